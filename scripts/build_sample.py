"""Build the built-in multilingual sample shipped in ``robustx/tasks/sample/``.

All sentences below were written by the robustx developers for this sample (none is copied
from XTREME or Wikipedia), so the sample can ship under the project licence. The script keeps
the content as Python data, derives what can be derived (answer offsets, tag ids, character
tokens) and checks every invariant before writing, so a typo in the data fails loudly here
instead of producing a sample that silently breaks span relocation or tag alignment.

    python scripts/build_sample.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from robustx.tasks import NER_TAGS, POS_TAGS, TATOEBA_CODES, XNLI_LABELS  # noqa: E402

DEFAULT_OUT = ROOT / "robustx" / "tasks" / "sample"

# PAN-X Chinese is tokenised into single characters; we do the same for Thai (no spaces
# between words either), with combining vowel and tone marks kept on their base letter so that
# no token is a bare mark.
CHAR_LANGS = ("zh", "th")

# --------------------------------------------------------------------------------------------
# XNLI: (premise, hypothesis, label); the same six situations in every language.
# --------------------------------------------------------------------------------------------
E, N, C = XNLI_LABELS
XNLI_LABEL_ORDER = (E, E, C, N, C, N)
XNLI = {
    "en": [
        ("The museum opens at nine, but the ticket office closes an hour before the last tour.",
         "The museum has a ticket office."),
        ("My sister moved to the coast last year and now runs a small bakery.",
         "My sister sells bread."),
        ("The train was delayed because of heavy snow in the mountains.",
         "The train arrived on time."),
        ("He forgot his umbrella at home, so he got wet on the way to work.",
         "He works in a bank."),
        ("The children planted tomatoes in the school garden this spring.",
         "The school has no garden."),
        ("The concert was cancelled at the last minute.",
         "The singer was ill."),
    ],
    "de": [
        ("Das Museum öffnet um neun Uhr, aber die Kasse schließt eine Stunde vor der letzten Führung.",
         "Das Museum hat eine Kasse."),
        ("Meine Schwester ist letztes Jahr an die Küste gezogen und führt jetzt eine kleine Bäckerei.",
         "Meine Schwester verkauft Brot."),
        ("Der Zug hatte wegen starken Schneefalls in den Bergen Verspätung.",
         "Der Zug kam pünktlich an."),
        ("Er hat seinen Regenschirm zu Hause vergessen und ist auf dem Weg zur Arbeit nass geworden.",
         "Er arbeitet in einer Bank."),
        ("Die Kinder haben in diesem Frühling Tomaten im Schulgarten gepflanzt.",
         "Die Schule hat keinen Garten."),
        ("Das Konzert wurde in letzter Minute abgesagt.",
         "Die Sängerin war krank."),
    ],
    "vi": [
        ("Bảo tàng mở cửa lúc chín giờ, nhưng quầy bán vé đóng cửa một tiếng trước chuyến tham quan cuối cùng.",
         "Bảo tàng có quầy bán vé."),
        ("Năm ngoái chị gái tôi chuyển đến sống ở vùng biển và giờ đang mở một tiệm bánh nhỏ.",
         "Chị gái tôi bán bánh mì."),
        ("Chuyến tàu bị trễ vì tuyết rơi dày trên núi.",
         "Chuyến tàu đến đúng giờ."),
        ("Anh ấy để quên ô ở nhà nên bị ướt trên đường đi làm.",
         "Anh ấy làm việc ở ngân hàng."),
        ("Mùa xuân này, bọn trẻ đã trồng cà chua trong vườn của trường.",
         "Trường không có vườn."),
        ("Buổi hòa nhạc bị hủy vào phút chót.",
         "Ca sĩ bị ốm."),
    ],
    "ru": [
        ("Музей открывается в девять, но касса закрывается за час до последней экскурсии.",
         "В музее есть касса."),
        ("Моя сестра в прошлом году переехала на побережье и теперь держит небольшую пекарню.",
         "Моя сестра продаёт хлеб."),
        ("Поезд опоздал из-за сильного снегопада в горах.",
         "Поезд прибыл вовремя."),
        ("Он забыл зонт дома и промок по дороге на работу.",
         "Он работает в банке."),
        ("Этой весной дети посадили помидоры в школьном саду.",
         "У школы нет сада."),
        ("Концерт отменили в последнюю минуту.",
         "Певица была больна."),
    ],
    "el": [
        ("Το μουσείο ανοίγει στις εννέα, αλλά το ταμείο κλείνει μία ώρα πριν από την τελευταία ξενάγηση.",
         "Το μουσείο έχει ταμείο."),
        ("Η αδελφή μου μετακόμισε πέρυσι στην ακτή και τώρα έχει ένα μικρό αρτοποιείο.",
         "Η αδελφή μου πουλάει ψωμί."),
        ("Το τρένο καθυστέρησε λόγω της πυκνής χιονόπτωσης στα βουνά.",
         "Το τρένο έφτασε στην ώρα του."),
        ("Ξέχασε την ομπρέλα του στο σπίτι και βράχηκε στον δρόμο για τη δουλειά.",
         "Δουλεύει σε μια τράπεζα."),
        ("Τα παιδιά φύτεψαν ντομάτες στον κήπο του σχολείου αυτή την άνοιξη.",
         "Το σχολείο δεν έχει κήπο."),
        ("Η συναυλία ακυρώθηκε την τελευταία στιγμή.",
         "Η τραγουδίστρια ήταν άρρωστη."),
    ],
    "ar": [
        ("يفتح المتحف أبوابه في التاسعة، لكن شباك التذاكر يغلق قبل آخر جولة بساعة.",
         "في المتحف شباك لبيع التذاكر."),
        ("انتقلت أختي إلى الساحل في العام الماضي، وهي الآن تدير مخبزًا صغيرًا.",
         "أختي تبيع الخبز."),
        ("تأخر القطار بسبب تساقط الثلوج بكثافة في الجبال.",
         "وصل القطار في موعده."),
        ("نسي مظلته في البيت، فابتل في طريقه إلى العمل.",
         "هو يعمل في مصرف."),
        ("زرع الأطفال الطماطم في حديقة المدرسة هذا الربيع.",
         "لا توجد حديقة في المدرسة."),
        ("أُلغيت الحفلة الموسيقية في اللحظة الأخيرة.",
         "كانت المغنية مريضة."),
    ],
    "hi": [
        ("संग्रहालय नौ बजे खुलता है, लेकिन टिकट खिड़की आख़िरी टूर से एक घंटा पहले बंद हो जाती है।",
         "संग्रहालय में एक टिकट खिड़की है।"),
        ("मेरी बहन पिछले साल समुद्र के किनारे रहने चली गई और अब एक छोटी बेकरी चलाती है।",
         "मेरी बहन ब्रेड बेचती है।"),
        ("पहाड़ों में भारी बर्फ़बारी की वजह से ट्रेन देर से पहुँची।",
         "ट्रेन समय पर पहुँची।"),
        ("वह अपना छाता घर पर भूल गया, इसलिए दफ़्तर जाते समय भीग गया।",
         "वह एक बैंक में काम करता है।"),
        ("इस वसंत में बच्चों ने स्कूल के बगीचे में टमाटर लगाए।",
         "स्कूल में कोई बगीचा नहीं है।"),
        ("संगीत कार्यक्रम आख़िरी समय पर रद्द कर दिया गया।",
         "गायिका बीमार थी।"),
    ],
    "th": [
        ("พิพิธภัณฑ์เปิดเก้าโมง แต่ช่องขายตั๋วจะปิดก่อนรอบนำชมสุดท้ายหนึ่งชั่วโมง",
         "พิพิธภัณฑ์มีช่องขายตั๋ว"),
        ("พี่สาวของฉันย้ายไปอยู่ชายทะเลเมื่อปีที่แล้ว และตอนนี้เปิดร้านเบเกอรี่เล็ก ๆ",
         "พี่สาวของฉันขายขนมปัง"),
        ("รถไฟมาช้าเพราะหิมะตกหนักบนภูเขา",
         "รถไฟมาถึงตรงเวลา"),
        ("เขาลืมร่มไว้ที่บ้าน เลยเปียกระหว่างทางไปทำงาน",
         "เขาทำงานที่ธนาคาร"),
        ("ฤดูใบไม้ผลินี้เด็ก ๆ ปลูกมะเขือเทศในสวนของโรงเรียน",
         "โรงเรียนไม่มีสวน"),
        ("คอนเสิร์ตถูกยกเลิกในนาทีสุดท้าย",
         "นักร้องป่วย"),
    ],
    "zh": [
        ("博物馆九点开门，但售票处在最后一场导览开始前一小时就关闭了。",
         "博物馆有售票处。"),
        ("我姐姐去年搬到了海边，现在经营着一家小面包店。",
         "我姐姐卖面包。"),
        ("由于山区下了大雪，火车晚点了。",
         "火车准时到达了。"),
        ("他把伞忘在家里了，所以在上班路上被淋湿了。",
         "他在银行工作。"),
        ("今年春天，孩子们在学校的菜园里种了西红柿。",
         "学校没有菜园。"),
        ("音乐会在最后一刻被取消了。",
         "歌手生病了。"),
    ],
}

# --------------------------------------------------------------------------------------------
# PAWS-X: (sentence1, sentence2, label); "0" pairs swap two words, as PAWS does.
# --------------------------------------------------------------------------------------------
PAWSX = {
    "en": [
        ("The bridge was built in 1932 and connects the old town with the harbour.",
         "Built in 1932, the bridge connects the old town with the harbour.", "1"),
        ("Anna taught Peter to play the violin before she moved to Vienna.",
         "Peter taught Anna to play the violin before she moved to Vienna.", "0"),
        ("The team was founded in Lyon and later moved its headquarters to Paris.",
         "The team was founded in Paris and later moved its headquarters to Lyon.", "0"),
        ("She wrote the novel in Lisbon and published it two years later.",
         "Two years after writing the novel in Lisbon, she published it.", "1"),
    ],
    "ko": [
        ("그 다리는 1932년에 지어졌으며 구시가지와 항구를 연결한다.",
         "1932년에 건설된 그 다리는 구시가지와 항구를 잇는다.", "1"),
        ("안나는 빈으로 이사하기 전에 페터에게 바이올린을 가르쳤다.",
         "페터는 빈으로 이사하기 전에 안나에게 바이올린을 가르쳤다.", "0"),
        ("그 팀은 리옹에서 창단되었고 나중에 본부를 파리로 옮겼다.",
         "그 팀은 파리에서 창단되었고 나중에 본부를 리옹으로 옮겼다.", "0"),
        ("그녀는 리스본에서 그 소설을 썼고 2년 후에 출간했다.",
         "리스본에서 그 소설을 쓴 지 2년 후에 그녀는 그것을 출간했다.", "1"),
    ],
}

# --------------------------------------------------------------------------------------------
# PAN-X: "[TYPE words]" marks an entity; other text is split on spaces (or into characters
# for CHAR_LANGS). Korean entities include their attached particle, as PAN-X ko does.
# --------------------------------------------------------------------------------------------
PANX = {
    "en": [
        "[PER Maria Lopez] works for [ORG Northwind Shipping] in [LOC Rotterdam] .",
        "[PER Tom] and [PER Sarah Jenkins] hiked across the [LOC Rocky Mountains] last summer .",
        "The [ORG Royal Academy of Music] is located in [LOC London] .",
        "[LOC Lake Geneva] lies between [LOC Switzerland] and [LOC France] .",
        "[PER David Chen] joined [ORG Blue River Films] in 2015 , after leaving [LOC Toronto] .",
    ],
    "de": [
        "[PER Anna Müller] arbeitet seit 2010 bei der [ORG Deutschen Bahn] in [LOC Frankfurt am Main] .",
        "Der [LOC Bodensee] grenzt an [LOC Deutschland] , [LOC Österreich] und die [LOC Schweiz] .",
        "[PER Jürgen Weiß] spielte früher für [ORG Borussia Dortmund] .",
        "Die [ORG Technische Universität München] wurde 1868 gegründet .",
        "[PER Lena] besucht im Sommer ihre Großeltern in [LOC Köln] .",
    ],
    "vi": [
        "[PER Nguyễn Văn An] làm việc cho [ORG Tổng công ty Hàng không Việt Nam] tại [LOC Hà Nội] .",
        "[LOC Vịnh Hạ Long] nằm ở tỉnh [LOC Quảng Ninh] .",
        "[PER Trần Thị Mai] tốt nghiệp [ORG Đại học Quốc gia Hà Nội] năm 2018 .",
        "[LOC Sông Mê Kông] chảy qua [LOC Lào] , [LOC Campuchia] và [LOC Việt Nam] .",
        "Ca sĩ [PER Lê Minh] sẽ biểu diễn tại [LOC Thành phố Hồ Chí Minh] vào tháng sau .",
    ],
    "ru": [
        "[PER Анна Петрова] работает в [ORG Московском государственном университете] .",
        "[LOC Волга] впадает в [LOC Каспийское море] .",
        "[PER Игорь] переехал из [LOC Новосибирска] в [LOC Санкт-Петербург] .",
        "Компания [ORG Аэрофлот] открыла новый рейс в [LOC Казань] .",
        "Писатель [PER Михаил Сергеевич Орлов] родился в [LOC Твери] .",
    ],
    "el": [
        "Η [PER Μαρία Παπαδοπούλου] σπουδάζει στο [ORG Πανεπιστήμιο Αθηνών] .",
        "Ο [LOC Όλυμπος] είναι το ψηλότερο βουνό της [LOC Ελλάδας] .",
        "Ο [PER Νίκος] ταξίδεψε από τη [LOC Θεσσαλονίκη] στην [LOC Κρήτη] .",
        "Η [ORG Εθνική Τράπεζα της Ελλάδος] έχει έδρα στην [LOC Αθήνα] .",
        "Ο [PER Γιώργος Δημητρίου] παίζει στον [ORG Ολυμπιακό] .",
    ],
    "ar": [
        "تعمل [PER ليلى حسن] في [ORG جامعة القاهرة] .",
        "يمر [LOC نهر النيل] عبر [LOC السودان] قبل أن يصل إلى [LOC مصر] .",
        "زار [PER أحمد] مدينة [LOC الدار البيضاء] في الصيف الماضي .",
        "أعلنت [ORG الخطوط الجوية القطرية] عن رحلة جديدة إلى [LOC عمّان] .",
        "ولد الكاتب [PER يوسف خليل] في [LOC بيروت] عام 1975 .",
    ],
    "hi": [
        "[PER प्रिया शर्मा] [ORG भारतीय रिज़र्व बैंक] में काम करती हैं ।",
        "[LOC गंगा नदी] [LOC हिमालय] से निकलती है ।",
        "[PER राहुल] ने [LOC जयपुर] में एक घर खरीदा ।",
        "[ORG दिल्ली विश्वविद्यालय] की स्थापना 1922 में हुई थी ।",
        "[PER सुनीता वर्मा] अगले महीने [LOC मुंबई] से [LOC लंदन] जाएँगी ।",
    ],
    "th": [
        "[PER สมชาย ใจดี]ทำงานที่[ORG ธนาคารแห่งประเทศไทย]ใน[LOC กรุงเทพฯ]",
        "[LOC แม่น้ำเจ้าพระยา]ไหลผ่าน[LOC นนทบุรี]ก่อนถึงทะเล",
        "[PER นิดา]ไปเที่ยว[LOC เชียงใหม่]กับครอบครัวเมื่อเดือน ม.ค. ที่ผ่านมา",
        "[ORG มหาวิทยาลัยมหิดล]ตั้งอยู่ที่[LOC นครปฐม]",
        "[PER วิชัย ศรีสุข]เป็นนักฟุตบอลของ[ORG สโมสรบุรีรัมย์ยูไนเต็ด]",
    ],
    "zh": [
        "[PER 王小明]在[ORG 北京大学]学习。",
        "[LOC 长江]流经[LOC 武汉]和[LOC 南京]。",
        "[PER 李华]去年加入了[ORG 中国国际航空公司]。",
        "[LOC 杭州]的[LOC 西湖]非常有名。",
        "[PER 陈静]说，她下个月要去[LOC 上海]参观[ORG 上海博物馆]。",
    ],
    "ko": [
        "[PER 김민수] 씨는 [ORG 서울대학교에서] 물리학을 가르친다 .",
        "[LOC 한강은] [LOC 서울을] 가로질러 흐른다 .",
        "[PER 이지은은] 지난주에 [LOC 부산으로] 여행을 갔다 .",
        "[ORG 대한항공은] [LOC 제주도로] 가는 새 노선을 열었다 .",
        "[ORG 삼성 라이온즈는] 어제 [LOC 대구에서] 열린 경기에서 이겼다 .",
    ],
}

# --------------------------------------------------------------------------------------------
# UD-POS: "token/UPOS" separated by spaces; "_" inside a token stands for a space (Vietnamese
# UD words span several syllables). Tags follow each language's UD treebank conventions.
# --------------------------------------------------------------------------------------------
UDPOS = {
    "en": [
        "The/DET old/ADJ man/NOUN reads/VERB a/DET newspaper/NOUN every/DET morning/NOUN ./PUNCT",
        "She/PRON has/AUX lived/VERB in/ADP Berlin/PROPN since/ADP 2019/NUM ./PUNCT",
        "We/PRON did/AUX not/PART go/VERB out/ADV because/SCONJ it/PRON was/AUX cold/ADJ "
        "and/CCONJ windy/ADJ ./PUNCT",
    ],
    "de": [
        "Die/DET Kinder/NOUN spielen/VERB draußen/ADV auf/ADP der/DET Wiese/NOUN ./PUNCT",
        "Ich/PRON habe/AUX gestern/ADV zwei/NUM Bücher/NOUN über/ADP Österreich/PROPN "
        "gekauft/VERB ./PUNCT",
        "Er/PRON bleibt/VERB zu/ADP Hause/NOUN ,/PUNCT weil/SCONJ er/PRON müde/ADJ ist/AUX ./PUNCT",
    ],
    "ru": [
        "Мой/DET брат/NOUN живёт/VERB в/ADP Казани/PROPN ./PUNCT",
        "Вчера/ADV мы/PRON купили/VERB три/NUM красных/ADJ яблока/NOUN ./PUNCT",
        "Она/PRON не/PART пришла/VERB ,/PUNCT потому/ADV что/SCONJ была/AUX занята/ADJ ./PUNCT",
    ],
    "el": [
        "Η/DET Ελένη/PROPN διαβάζει/VERB ένα/DET βιβλίο/NOUN ./PUNCT",
        "Τα/DET παιδιά/NOUN παίζουν/VERB ήσυχα/ADV και/CCONJ χαρούμενα/ADV ./PUNCT",
        "Δεν/PART ήρθε/VERB ,/PUNCT επειδή/SCONJ ήταν/AUX άρρωστος/ADJ ./PUNCT",
    ],
    "ar": [
        "يدرس/VERB الطالب/NOUN في/ADP المكتبة/NOUN ./PUNCT",
        "اشترت/VERB سارة/PROPN ثلاثة/NUM كتب/NOUN جديدة/ADJ ./PUNCT",
        "لم/PART يذهب/VERB أحمد/PROPN إلى/ADP المدرسة/NOUN اليوم/NOUN ./PUNCT",
    ],
    "hi": [
        "राम/PROPN रोज़/ADV सुबह/NOUN दूध/NOUN पीता/VERB है/AUX ।/PUNCT",
        "मेरी/PRON बहन/NOUN दिल्ली/PROPN में/ADP रहती/VERB है/AUX ।/PUNCT",
        "बच्चे/NOUN खेल/VERB रहे/AUX थे/AUX और/CCONJ बारिश/NOUN होने/VERB लगी/AUX ।/PUNCT",
    ],
    "zh": [
        "我/PRON 早上/NOUN 喝/VERB 了/AUX 一/NUM 杯/NOUN 咖啡/NOUN 。/PUNCT",
        "他/PRON 在/ADP 上海/PROPN 工作/VERB 。/PUNCT",
        "我/PRON 和/CCONJ 妹妹/NOUN 都/ADV 喜欢/VERB 这/DET 本/NOUN 书/NOUN 。/PUNCT",
    ],
    "ko": [
        "나는/PRON 매일/ADV 학교에/NOUN 간다/VERB ./PUNCT",
        "어머니께서/NOUN 맛있는/ADJ 김치를/NOUN 만드셨다/VERB ./PUNCT",
        "우리는/PRON 공원에서/NOUN 오래/ADV 걸었다/VERB ./PUNCT",
    ],
    "th": [
        "ฉัน/PRON ชอบ/VERB กิน/VERB ข้าวผัด/NOUN",
        "เขา/PRON ไป/VERB โรงเรียน/NOUN ทุก/DET วัน/NOUN",
        "อากาศ/NOUN ใน/ADP เชียงใหม่/PROPN เย็น/ADJ มาก/ADV",
    ],
    "vi": [
        "Tôi/PRON đang/ADV học/VERB tiếng_Anh/NOUN ./PUNCT",
        "Hôm_nay/NOUN trời/NOUN rất/ADV nóng/ADJ ./PUNCT",
        "Mẹ/NOUN tôi/PRON mua/VERB hai/NUM con/NOUN cá/NOUN ở/ADP chợ/NOUN ./PUNCT",
    ],
}

# --------------------------------------------------------------------------------------------
# XQuAD: one context per language (the same story), three questions: a name, a number and an
# answer at the very start of the context. The answer offset is computed, never written.
# --------------------------------------------------------------------------------------------
XQUAD = {
    "en": (
        "The lighthouse of Varnes stands on a rocky headland at the northern end of the bay. "
        "It was designed by the engineer Clara Holm, who also built the harbour wall, and first "
        "lit in 1887, after two fishing boats had been wrecked on the nearby reef during a single "
        "winter. The white stone tower is 34 metres tall, and on a clear night its beam can be "
        "seen from about twenty nautical miles away. For almost a hundred years the lamp was "
        "tended by keepers who lived with their families in a small house at the foot of the "
        "tower, where they kept a few goats and grew vegetables in a walled garden. Since the "
        "light was automated in 1979, the keeper's house has served as a museum about the "
        "history of fishing in the region, open to visitors from May to September.",
        [("Who designed the lighthouse of Varnes?", "Clara Holm"),
         ("How tall is the tower?", "34 metres"),
         ("What stands on a rocky headland at the northern end of the bay?",
          "The lighthouse of Varnes")],
    ),
    "de": (
        "Der Leuchtturm von Varnes steht auf einer felsigen Landzunge am nördlichen Ende der "
        "Bucht. Er wurde von der Ingenieurin Clara Holm entworfen, die auch die Hafenmauer baute, "
        "und 1887 zum ersten Mal in Betrieb genommen, nachdem in einem einzigen Winter zwei "
        "Fischerboote am nahe gelegenen Riff zerschellt waren. Der weiße Steinturm ist 34 Meter "
        "hoch, und in klaren Nächten ist sein Lichtstrahl aus etwa zwanzig Seemeilen Entfernung "
        "zu sehen. Fast hundert Jahre lang wurde die Lampe von Leuchtturmwärtern betreut, die "
        "mit ihren Familien in einem kleinen Haus am Fuß des Turms lebten, wo sie ein paar "
        "Ziegen hielten und in einem ummauerten Garten Gemüse anbauten. Seit das Feuer 1979 "
        "automatisiert wurde, dient das Wärterhaus als Museum über die Geschichte der Fischerei "
        "in der Region, das von Mai bis September geöffnet ist.",
        [("Wer hat den Leuchtturm von Varnes entworfen?", "Clara Holm"),
         ("Wie hoch ist der Turm?", "34 Meter"),
         ("Was steht auf einer felsigen Landzunge am nördlichen Ende der Bucht?",
          "Der Leuchtturm von Varnes")],
    ),
    "vi": (
        "Ngọn hải đăng Varnes nằm trên một mũi đất đá ở đầu phía bắc của vịnh. Nó do kỹ sư "
        "Clara Holm, người cũng xây bức tường chắn sóng của cảng, thiết kế và được thắp sáng "
        "lần đầu vào năm 1887, sau khi hai chiếc thuyền đánh cá bị đắm trên rạn đá gần đó chỉ "
        "trong một mùa đông. Tháp đá màu trắng cao 34 mét, và vào những đêm trời quang, người "
        "ta có thể nhìn thấy chùm sáng của nó từ khoảng hai mươi hải lý. Trong gần một trăm "
        "năm, ngọn đèn được những người gác hải đăng chăm sóc; họ sống cùng gia đình trong một "
        "ngôi nhà nhỏ dưới chân tháp, nuôi vài con dê và trồng rau trong một khu vườn có tường "
        "bao quanh. Từ khi đèn được tự động hóa vào năm 1979, ngôi nhà của người gác đã trở "
        "thành bảo tàng về lịch sử nghề cá trong vùng, mở cửa cho du khách từ tháng Năm đến "
        "tháng Chín.",
        [("Ai đã thiết kế ngọn hải đăng Varnes?", "Clara Holm"),
         ("Tháp cao bao nhiêu?", "34 mét"),
         ("Cái gì nằm trên một mũi đất đá ở đầu phía bắc của vịnh?", "Ngọn hải đăng Varnes")],
    ),
    "ru": (
        "Маяк Варнеса стоит на скалистом мысу у северного края залива. Его спроектировала "
        "инженер Клара Хольм, которая также построила мол в гавани, и впервые он был зажжён в "
        "1887 году, после того как за одну зиму на соседнем рифе разбились две рыбацкие лодки. "
        "Белая каменная башня имеет высоту 34 метра, и в ясную ночь её луч виден примерно за "
        "двадцать морских миль. Почти сто лет за лампой ухаживали смотрители, которые жили с "
        "семьями в маленьком доме у подножия башни, держали несколько коз и выращивали овощи в "
        "огороде за каменной оградой. С тех пор как в 1979 году маяк автоматизировали, в доме "
        "смотрителя работает музей истории рыболовства в этом регионе, открытый для посетителей "
        "с мая по сентябрь.",
        [("Кто спроектировал маяк Варнеса?", "Клара Хольм"),
         ("Какова высота башни?", "34 метра"),
         ("Что стоит на скалистом мысу у северного края залива?", "Маяк Варнеса")],
    ),
    "el": (
        "Ο φάρος του Βάρνες βρίσκεται σε ένα βραχώδες ακρωτήριο στο βόρειο άκρο του κόλπου. "
        "Σχεδιάστηκε από τη μηχανικό Κλάρα Χολμ, η οποία έχτισε και τον κυματοθραύστη του "
        "λιμανιού, και άναψε για πρώτη φορά το 1887, αφού δύο ψαράδικες βάρκες είχαν ναυαγήσει "
        "στον κοντινό ύφαλο μέσα σε έναν μόνο χειμώνα. Ο λευκός πέτρινος πύργος έχει ύψος "
        "34 μέτρα, και τις καθαρές νύχτες η δέσμη του φαίνεται από περίπου είκοσι ναυτικά μίλια "
        "μακριά. Για σχεδόν εκατό χρόνια τη λάμπα φρόντιζαν φαροφύλακες που ζούσαν με τις "
        "οικογένειές τους σε ένα μικρό σπίτι στη βάση του πύργου, όπου είχαν λίγες κατσίκες και "
        "καλλιεργούσαν λαχανικά σε έναν περιφραγμένο κήπο. Από τότε που ο φάρος "
        "αυτοματοποιήθηκε το 1979, το σπίτι του φαροφύλακα λειτουργεί ως μουσείο για την ιστορία "
        "της αλιείας στην περιοχή, ανοιχτό για τους επισκέπτες από τον Μάιο έως τον Σεπτέμβριο.",
        [("Ποιος σχεδίασε τον φάρο του Βάρνες;", "Κλάρα Χολμ"),
         ("Πόσο ψηλός είναι ο πύργος;", "34 μέτρα"),
         ("Τι βρίσκεται σε ένα βραχώδες ακρωτήριο στο βόρειο άκρο του κόλπου;",
          "Ο φάρος του Βάρνες")],
    ),
    "ar": (
        "منارة فارنس تقوم على رأس صخري عند الطرف الشمالي من الخليج. صممتها المهندسة كلارا هولم، "
        "التي بنت أيضًا سور الميناء، وأُضيئت لأول مرة عام 1887 بعد أن تحطم قاربا صيد على الشعاب "
        "المجاورة خلال شتاء واحد. يبلغ ارتفاع البرج الحجري الأبيض 34 مترًا، ويمكن للبحارة رؤية شعاعه في "
        "الليالي الصافية من مسافة نحو عشرين ميلًا بحريًا. وعلى مدى مئة عام تقريبًا، تولى رعاية "
        "المصباح حراس عاشوا مع عائلاتهم في بيت صغير عند قاعدة البرج، حيث ربّوا بعض الماعز "
        "وزرعوا الخضراوات في حديقة مسوّرة. ومنذ أن أصبحت المنارة تعمل آليًا عام 1979، صار بيت "
        "الحارس متحفًا لتاريخ الصيد في المنطقة، يستقبل الزوار من شهر مايو حتى شهر سبتمبر.",
        [("من صمم منارة فارنس؟", "كلارا هولم"),
         ("كم يبلغ ارتفاع البرج؟", "34 مترًا"),
         ("ما الذي يقوم على رأس صخري عند الطرف الشمالي من الخليج؟", "منارة فارنس")],
    ),
    "hi": (
        "वार्नेस का प्रकाशस्तंभ खाड़ी के उत्तरी छोर पर एक चट्टानी अंतरीप पर खड़ा है। इसे इंजीनियर "
        "क्लारा होल्म ने डिज़ाइन किया था, जिन्होंने बंदरगाह की दीवार भी बनाई थी, और यह पहली बार "
        "1887 में जलाया गया, जब एक ही सर्दी में पास की चट्टानों से टकराकर मछली पकड़ने वाली दो "
        "नावें डूब गई थीं। सफ़ेद पत्थर की यह मीनार 34 मीटर ऊँची है, और साफ़ रात में इसकी रोशनी "
        "लगभग बीस समुद्री मील दूर से दिखाई देती है। लगभग सौ वर्षों तक इस दीपक की देखभाल रखवाले "
        "करते थे, जो अपने परिवारों के साथ मीनार के नीचे एक छोटे से घर में रहते थे, जहाँ वे कुछ "
        "बकरियाँ पालते थे और चारदीवारी वाले बगीचे में सब्ज़ियाँ उगाते थे। 1979 में प्रकाश के "
        "स्वचालित हो जाने के बाद से रखवाले का घर इस क्षेत्र में मछली पकड़ने के इतिहास का "
        "संग्रहालय बन गया है, जो मई से सितंबर तक पर्यटकों के लिए खुला रहता है।",
        [("वार्नेस के प्रकाशस्तंभ को किसने डिज़ाइन किया?", "क्लारा होल्म"),
         ("मीनार कितनी ऊँची है?", "34 मीटर"),
         ("खाड़ी के उत्तरी छोर पर चट्टानी अंतरीप पर क्या खड़ा है?", "वार्नेस का प्रकाशस्तंभ")],
    ),
    "th": (
        "ประภาคารวาร์เนสตั้งอยู่บนแหลมหินทางตอนเหนือสุดของอ่าว ประภาคารแห่งนี้ออกแบบโดยวิศวกรหญิง"
        "ชื่อคลารา โฮล์ม ซึ่งเป็นผู้สร้างกำแพงท่าเรือด้วย และจุดไฟเป็นครั้งแรกในปี 1887 หลังจาก"
        "เรือประมงสองลำอับปางที่แนวหินโสโครกใกล้ ๆ ภายในฤดูหนาวเดียว หอคอยหินสีขาวสูง 34 เมตร "
        "และในคืนที่ท้องฟ้าแจ่มใสจะมองเห็นลำแสงได้จากระยะประมาณยี่สิบไมล์ทะเล เป็นเวลาเกือบ"
        "หนึ่งร้อยปีที่ผู้ดูแลประภาคารคอยดูแลตะเกียง โดยอาศัยอยู่กับครอบครัวในบ้านหลังเล็กที่"
        "เชิงหอคอย เลี้ยงแพะไว้สองสามตัว และปลูกผักในสวนที่มีกำแพงล้อมรอบ นับตั้งแต่ระบบไฟถูก"
        "เปลี่ยนเป็นแบบอัตโนมัติในปี 1979 บ้านของผู้ดูแลก็กลายเป็นพิพิธภัณฑ์เกี่ยวกับประวัติศาสตร์"
        "การประมงในภูมิภาคนี้ ซึ่งเปิดให้เข้าชมตั้งแต่เดือนพฤษภาคมถึงเดือนกันยายน",
        [("ใครเป็นผู้ออกแบบประภาคารวาร์เนส", "คลารา โฮล์ม"),
         ("หอคอยสูงเท่าไร", "34 เมตร"),
         ("อะไรตั้งอยู่บนแหลมหินทางตอนเหนือสุดของอ่าว", "ประภาคารวาร์เนส")],
    ),
    "zh": (
        "瓦尔内斯灯塔坐落在海湾北端的一处岩石岬角上。它由工程师克拉拉·霍尔姆设计（港口的防波堤"
        "也是她主持修建的），于1887年首次点亮；在此之前的一个冬天里，先后有两艘渔船在附近的礁石"
        "上触礁沉没。这座白色石塔高34米，在晴朗的夜晚，人们在大约二十海里以外就能看到它的光束。"
        "在将近一百年的时间里，守塔人负责照看塔上的灯，他们和家人一起住在塔脚下的一座小房子里，"
        "还养了几只山羊，并在围墙环绕的园子里种菜。自从1979年灯塔实现自动化以来，守塔人的小屋"
        "就成了一座介绍当地渔业历史的博物馆，每年五月至九月对游客开放。",
        [("瓦尔内斯灯塔是谁设计的？", "克拉拉·霍尔姆"),
         ("这座石塔有多高？", "34米"),
         ("什么坐落在海湾北端的一处岩石岬角上？", "瓦尔内斯灯塔")],
    ),
}

# A Han character is one model token where a Latin word is several characters, so the Chinese
# context is "long" at a third of the character count of the others.
MIN_LONG_CONTEXT = {"zh": 200}
DEFAULT_MIN_LONG_CONTEXT = 600

# --------------------------------------------------------------------------------------------
# MLQA: a second, shorter context, two questions (a number word and a name).
# --------------------------------------------------------------------------------------------
MLQA = {
    "en": (
        "Every Saturday the farmers' market in Lindau opens at seven in the morning. Around "
        "forty stalls sell vegetables, cheese, honey and bread from the surrounding villages. "
        "The market was started in 1994 by a group of beekeepers led by Johann Adler.",
        [("How many stalls are there at the market?", "forty"),
         ("Who led the group of beekeepers?", "Johann Adler")],
    ),
    "de": (
        "Jeden Samstag öffnet der Bauernmarkt in Lindau um sieben Uhr morgens. Rund vierzig "
        "Stände verkaufen Gemüse, Käse, Honig und Brot aus den umliegenden Dörfern. Der Markt "
        "wurde 1994 von einer Gruppe von Imkern unter der Leitung von Johann Adler gegründet.",
        [("Wie viele Stände gibt es auf dem Markt?", "vierzig"),
         ("Wer leitete die Gruppe von Imkern?", "Johann Adler")],
    ),
    "ar": (
        "يفتح سوق المزارعين في مدينة لينداو أبوابه كل يوم سبت في السابعة صباحًا. ويبيع نحو "
        "أربعين كشكًا الخضراوات والجبن والعسل والخبز القادم من القرى المجاورة. وقد أسست السوق "
        "عام 1994 مجموعة من النحالين بقيادة يوهان أدلر.",
        [("كم عدد الأكشاك في السوق؟", "أربعين"),
         ("من قاد مجموعة النحالين؟", "يوهان أدلر")],
    ),
    "hi": (
        "लिंडाउ का किसान बाज़ार हर शनिवार सुबह सात बजे खुलता है। लगभग चालीस दुकानों पर आसपास के "
        "गाँवों से आई सब्ज़ियाँ, चीज़, शहद और ब्रेड बिकती हैं। इस बाज़ार की शुरुआत 1994 में मधुमक्खी "
        "पालकों के एक समूह ने की थी, जिसका नेतृत्व योहान आडलर कर रहे थे।",
        [("बाज़ार में कितनी दुकानें हैं?", "चालीस"),
         ("मधुमक्खी पालकों के समूह का नेतृत्व किसने किया?", "योहान आडलर")],
    ),
    "zh": (
        "林道的农贸市场每周六早上七点开门。大约四十个摊位出售来自周边村庄的蔬菜、奶酪、蜂蜜和"
        "面包。这个市场由约翰·阿德勒带领的一群养蜂人于1994年创办。",
        [("市场上有多少个摊位？", "四十"),
         ("谁带领了那群养蜂人？", "约翰·阿德勒")],
    ),
}

# --------------------------------------------------------------------------------------------
# Tatoeba: eight everyday sentences, each translated into every language.
# --------------------------------------------------------------------------------------------
TATOEBA_EN = (
    "I'm very hungry.",
    "Where is the train station?",
    "My brother plays the guitar.",
    "It's raining today.",
    "Can you help me?",
    "We're going to the beach tomorrow.",
    "This book is very interesting.",
    "What time is it?",
)
TATOEBA = {
    "de": ("Ich habe großen Hunger.", "Wo ist der Bahnhof?", "Mein Bruder spielt Gitarre.",
           "Heute regnet es.", "Kannst du mir helfen?", "Wir fahren morgen an den Strand.",
           "Dieses Buch ist sehr interessant.", "Wie spät ist es?"),
    "vi": ("Tôi đói lắm.", "Nhà ga ở đâu?", "Anh trai tôi chơi đàn ghi-ta.",
           "Hôm nay trời mưa.", "Bạn có thể giúp tôi không?", "Ngày mai chúng tôi sẽ đi biển.",
           "Cuốn sách này rất hay.", "Mấy giờ rồi?"),
    "ru": ("Я очень голоден.", "Где вокзал?", "Мой брат играет на гитаре.",
           "Сегодня идёт дождь.", "Ты можешь мне помочь?", "Завтра мы едем на пляж.",
           "Эта книга очень интересная.", "Который час?"),
    "el": ("Πεινάω πολύ.", "Πού είναι ο σιδηροδρομικός σταθμός;", "Ο αδελφός μου παίζει κιθάρα.",
           "Σήμερα βρέχει.", "Μπορείς να με βοηθήσεις;", "Αύριο πάμε στην παραλία.",
           "Αυτό το βιβλίο είναι πολύ ενδιαφέρον.", "Τι ώρα είναι;"),
    "ar": ("أنا جائع جدًا.", "أين محطة القطار؟", "أخي يعزف على الغيتار.",
           "السماء تمطر اليوم.", "هل يمكنك مساعدتي؟", "سنذهب إلى الشاطئ غدًا.",
           "هذا الكتاب ممتع جدًا.", "كم الساعة؟"),
    "hi": ("मुझे बहुत भूख लगी है।", "रेलवे स्टेशन कहाँ है?", "मेरा भाई गिटार बजाता है।",
           "आज बारिश हो रही है।", "क्या तुम मेरी मदद कर सकते हो?", "हम कल समुद्र तट पर जा रहे हैं।",
           "यह किताब बहुत दिलचस्प है।", "कितने बजे हैं?"),
    "th": ("ฉันหิวมาก", "สถานีรถไฟอยู่ที่ไหน", "พี่ชายของฉันเล่นกีตาร์",
           "วันนี้ฝนตก", "คุณช่วยฉันได้ไหม", "พรุ่งนี้เราจะไปทะเล",
           "หนังสือเล่มนี้น่าสนใจมาก", "กี่โมงแล้ว"),
    "zh": ("我很饿。", "火车站在哪里？", "我哥哥弹吉他。",
           "今天下雨。", "你能帮我吗？", "我们明天去海边。",
           "这本书很有意思。", "现在几点了？"),
    "ko": ("저는 배가 너무 고파요.", "기차역이 어디예요?", "우리 형은 기타를 쳐요.",
           "오늘은 비가 와요.", "저 좀 도와줄 수 있어요?", "우리는 내일 바닷가에 가요.",
           "이 책은 정말 재미있어요.", "지금 몇 시예요?"),
}

# --------------------------------------------------------------------------------------------
# BUCC: six gold pairs of news-style sentences.
# --------------------------------------------------------------------------------------------
BUCC_EN = (
    "The city council approved the new budget on Tuesday evening.",
    "Prices for fresh vegetables rose sharply after the dry summer.",
    "The company plans to open two new factories next year.",
    "Thousands of people attended the open-air concert in the park.",
    "The new bridge will reduce travel time between the two towns.",
    "Researchers have discovered a new species of frog in the rainforest.",
)
BUCC = {
    "de": ("Der Stadtrat hat den neuen Haushalt am Dienstagabend verabschiedet.",
           "Die Preise für frisches Gemüse sind nach dem trockenen Sommer stark gestiegen.",
           "Das Unternehmen plant, im nächsten Jahr zwei neue Fabriken zu eröffnen.",
           "Tausende Menschen besuchten das Open-Air-Konzert im Park.",
           "Die neue Brücke wird die Fahrzeit zwischen den beiden Städten verkürzen.",
           "Forscher haben im Regenwald eine neue Froschart entdeckt."),
    "ru": ("Городской совет утвердил новый бюджет во вторник вечером.",
           "После засушливого лета цены на свежие овощи резко выросли.",
           "Компания планирует открыть два новых завода в следующем году.",
           "Тысячи людей пришли на концерт под открытым небом в парке.",
           "Новый мост сократит время в пути между двумя городами.",
           "Исследователи обнаружили в тропическом лесу новый вид лягушек."),
    "zh": ("市议会于周二晚上批准了新的预算。",
           "干旱的夏天过后，新鲜蔬菜的价格大幅上涨。",
           "该公司计划明年开设两家新工厂。",
           "数千人参加了在公园举行的露天音乐会。",
           "新桥将缩短两个城镇之间的出行时间。",
           "研究人员在热带雨林中发现了一种新的青蛙。"),
}


# --------------------------------------------------------------------------------------------
# Builders: data -> rows (lists of dicts, column order as in google/xtreme).
# --------------------------------------------------------------------------------------------
class SampleError(ValueError):
    """The sample data breaks an invariant; the message says which example and why."""


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise SampleError(msg)


def split_chars(text: str) -> list[str]:
    """Character tokens without whitespace; combining marks stay on their base character."""
    tokens: list[str] = []
    for ch in text:
        if ch.isspace():
            continue
        if tokens and unicodedata.category(ch) in ("Mn", "Mc", "Me"):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


ENTITY = re.compile(r"\[(PER|ORG|LOC) ([^\]]+)\]")


def parse_ner(text: str, by_char: bool) -> tuple[list[str], list[int]]:
    """Turn "[TYPE words]" markup into tokens and IOB2 tag ids."""
    split = split_chars if by_char else str.split
    tokens: list[str] = []
    tags: list[int] = []
    pos = 0
    for m in ENTITY.finditer(text):
        outside = split(text[pos:m.start()])
        tokens += outside
        tags += [0] * len(outside)
        inside = split(m.group(2))
        tokens += inside
        kind = m.group(1)
        tags += [NER_TAGS.index(f"B-{kind}")] + [NER_TAGS.index(f"I-{kind}")] * (len(inside) - 1)
        pos = m.end()
    rest = split(text[pos:])
    tokens += rest
    tags += [0] * len(rest)
    check(not any(c in t for t in tokens for c in "[]"), f"unbalanced entity markup: {text!r}")
    return tokens, tags


def parse_pos(text: str) -> tuple[list[str], list[int]]:
    """Turn "token/UPOS ..." into tokens and UPOS ids ("_" in a token is a space)."""
    tokens, tags = [], []
    for item in text.split():
        token, sep, tag = item.rpartition("/")
        check(bool(sep and token), f"malformed token/TAG item {item!r} in {text!r}")
        check(tag in POS_TAGS, f"unknown UPOS tag {tag!r} in {text!r}")
        tokens.append(token.replace("_", " "))
        tags.append(POS_TAGS.index(tag))
    return tokens, tags


def qa_rows(lang: str, context: str, qas: list[tuple[str, str]]) -> list[dict]:
    rows = []
    for n, (question, answer) in enumerate(qas, 1):
        check(context.count(answer) == 1, f"{lang}: answer {answer!r} must occur exactly once")
        start = context.find(answer)
        check(context[start:start + len(answer)] == answer, f"{lang}: bad offset for {answer!r}")
        rows.append({"id": f"{lang}-{n}", "context": context, "question": question,
                     "answers": {"answer_start": [start], "text": [answer]}})
    return rows


def build() -> dict[str, list[dict]]:
    """Every sample file as relative path -> rows, validated."""
    files: dict[str, list[dict]] = {}
    for lang, pairs in XNLI.items():
        check(len(pairs) == len(XNLI_LABEL_ORDER), f"xnli/{lang}: expected 6 pairs")
        files[f"xnli/{lang}.jsonl"] = [
            {"language": lang, "sentence1": s1, "sentence2": s2, "gold_label": label}
            for (s1, s2), label in zip(pairs, XNLI_LABEL_ORDER, strict=True)
        ]
    for lang, triples in PAWSX.items():
        check({t[2] for t in triples} == {"0", "1"}, f"pawsx/{lang}: needs both labels")
        files[f"pawsx/{lang}.jsonl"] = [
            {"sentence1": s1, "sentence2": s2, "label": label} for s1, s2, label in triples
        ]
    for lang, sentences in PANX.items():
        rows = []
        for text in sentences:
            tokens, tags = parse_ner(text, lang in CHAR_LANGS)
            rows.append({"tokens": tokens, "ner_tags": tags, "langs": [lang] * len(tokens)})
        files[f"panx/{lang}.jsonl"] = rows
    for lang, sentences in UDPOS.items():
        files[f"udpos/{lang}.jsonl"] = [
            dict(zip(("tokens", "pos_tags"), parse_pos(text), strict=True)) for text in sentences
        ]
    for lang, (context, qas) in XQUAD.items():
        minimum = MIN_LONG_CONTEXT.get(lang, DEFAULT_MIN_LONG_CONTEXT)
        check(len(context) >= minimum, f"xquad/{lang}: context {len(context)} < {minimum} chars")
        rows = qa_rows(lang, context, qas)
        check(any(r["answers"]["answer_start"] == [0] for r in rows),
              f"xquad/{lang}: needs an answer at the start of the context")
        files[f"xquad/{lang}.jsonl"] = rows
    for lang, (context, qas) in MLQA.items():
        files[f"mlqa/{lang}.jsonl"] = qa_rows(lang, context, qas)
    for lang, sentences in TATOEBA.items():
        check(len(sentences) == len(TATOEBA_EN), f"tatoeba/{lang}: expected 8 sentences")
        files[f"tatoeba/{lang}.jsonl"] = [
            {"source_sentence": src, "target_sentence": tgt,
             "source_lang": TATOEBA_CODES[lang], "target_lang": "eng"}
            for src, tgt in zip(sentences, TATOEBA_EN, strict=True)
        ]
    for lang, sentences in BUCC.items():
        check(len(sentences) == len(BUCC_EN), f"bucc/{lang}: expected 6 sentences")
        files[f"bucc/{lang}.jsonl"] = [
            {"source_sentence": src, "target_sentence": tgt, "source_lang": lang,
             "target_lang": "en"}
            for src, tgt in zip(sentences, BUCC_EN, strict=True)
        ]
    for path, rows in files.items():
        validate_rows(path, rows)
    return files


def validate_rows(path: str, rows: list[dict]) -> None:
    """Family-independent invariants: non-empty text, aligned and in-range tags, valid IOB2."""
    check(bool(rows), f"{path}: no rows")
    for i, row in enumerate(rows):
        where = f"{path} row {i}"
        for key, value in row.items():
            if isinstance(value, str):
                check(value == value.strip() and value != "", f"{where}: bad {key} {value!r}")
        if "tokens" in row:
            tokens = row["tokens"]
            check(all(t and t == t.strip() for t in tokens), f"{where}: empty/padded token")
            tags = row.get("ner_tags", row.get("pos_tags"))
            check(len(tags) == len(tokens), f"{where}: {len(tags)} tags for {len(tokens)} tokens")
            limit = len(NER_TAGS) if "ner_tags" in row else len(POS_TAGS)
            check(all(0 <= t < limit for t in tags), f"{where}: tag id out of range")
        if "ner_tags" in row:
            check(len(row["langs"]) == len(row["tokens"]), f"{where}: langs length")
            for prev, tag in zip([0, *row["ner_tags"]], row["ner_tags"], strict=False):
                if NER_TAGS[tag].startswith("I-"):
                    check(NER_TAGS[prev][2:] == NER_TAGS[tag][2:], f"{where}: I- without B-")


def render(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write(out: Path, files: dict[str, list[dict]]) -> None:
    for rel, rows in sorted(files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(rows), encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    files = build()
    write(args.out, files)
    print(f"wrote {len(files)} files, {sum(map(len, files.values()))} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
