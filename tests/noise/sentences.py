"""Real sentences in every XTREME script, written for the tests (no corpus copied)."""

# One sentence a language, with the numbers news text has: years,
# counts, decimals with a comma, percentages, native digits (Devanagari, Arabic-Indic, Persian,
# Bengali, Thai) and numbers glued to a counter or unit in scripts without spaces.
SENTENCES = {
    "en": "In 1870 the city had 24 schools, and 32,9 % of adults could read by 1900.",
    "de": "Im Jahr 1870 hatte die Stadt 24 Schulen, und 32,9 % der Erwachsenen konnten lesen.",
    "fr": "En 1870, la ville comptait 24 écoles et 32,9 % des adultes savaient lire.",
    "es": "En 1870 la ciudad tenía 24 escuelas y el 32,9 % de los adultos sabía leer.",
    "tr": "1870 yılında şehirde 24 okul vardı ve yetişkinlerin yüzde 32,9'u okuyabiliyordu.",
    "vi": "Năm 1870 thành phố có 24 trường học và 32,9 % người lớn biết đọc.",
    "ru": "В 1870 году в городе было 24 школы, и 32,9 % взрослых умели читать.",
    "el": "Το 1870 η πόλη είχε 24 σχολεία και το 32,9 % των ενηλίκων ήξερε να διαβάζει.",
    "ar": "في عام 1870 كان في المدينة ٢٤ مدرسة وكان 32,9 % من البالغين يقرؤون.",
    "fa": "در سال ۱۸۷۰ شهر ۲۴ مدرسه داشت و ۳۲٫۹ درصد بزرگسالان می‌توانستند بخوانند.",
    "ur": "1870 میں شہر میں 24 اسکول تھے اور 32,9 % بالغ پڑھ سکتے تھے۔",
    "he": "בשנת 1870 היו בעיר 24 בתי ספר, ו־32,9 % מהמבוגרים ידעו לקרוא.",
    "hi": "सन 1870 में शहर में २४ स्कूल थे और 32,9 % वयस्क पढ़ सकते थे।",
    "bn": "১৮৭০ সালে শহরে 24টি বিদ্যালয় ছিল এবং 32,9 % প্রাপ্তবয়স্ক পড়তে পারত।",
    "ta": "1870 ஆம் ஆண்டில் நகரத்தில் 24 பள்ளிகள் இருந்தன.",
    "te": "1870 లో నగరంలో 24 పాఠశాలలు ఉండేవి.",
    "ka": "1870 წელს ქალაქში 24 სკოლა იყო.",
    "th": "ในปี ๒๔๑๓ เมืองนี้มีโรงเรียน 24 แห่ง และผู้ใหญ่ 32,9 % อ่านหนังสือได้",
    "ko": "1870년에 도시에는 학교가 24개 있었고 성인의 32,9 %가 글을 읽을 수 있었다.",
    "ja": "1870年に町には学校が24校あり、大人の32.9%が字を読めた。",
    "zh": "1870年该市有24所学校，32.9%的成年人识字。",
}

# Sentences heavy in combining marks: vowel signs and viramas, Thai tone marks, harakat and
# shadda, Hebrew niqqud, the ZWNJ that Persian writes inside words.
MARKED = {
    "hi": "मैं कल दिल्ली जाऊँगा और वहाँ अपने दोस्तों से मिलूँगा।",
    "bn": "আমি আগামীকাল কলকাতায় যাব এবং বন্ধুদের সঙ্গে দেখা করব।",
    "ta": "நான் நாளை சென்னைக்குப் போய் என் நண்பர்களைச் சந்திப்பேன்.",
    "te": "నేను రేపు హైదరాబాద్ వెళ్లి నా స్నేహితులను కలుస్తాను.",
    "th": "ฉันจะไปเชียงใหม่พรุ่งนี้และจะพบเพื่อนๆ ที่นั่น",
    "ar": "ذَهَبَ الطَّالِبُ إِلَى المَدْرَسَةِ مُبَكِّرًا.",
    "he": "שָׁלוֹם, מָה שְׁלוֹמְךָ הַיּוֹם?",
    "ka": "ხვალ თბილისში წავალ და მეგობრებს შევხვდები.",
    "ko": "내일 서울에 가서 친구들을 만날 거예요.",
    "ja": "明日は東京に行って、友達に会うつもりです。",
    "zh": "我明天去北京见我的朋友们。",
    "el": "Αύριο θα πάω στην Αθήνα να δω τους φίλους μου.",
    "ru": "Завтра я поеду в Москву и встречусь с друзьями.",
    "ur": "میں کل لاہور جاؤں گا اور اپنے دوستوں سے ملوں گا۔",
    "fa": "فردا به تهران می‌روم و دوستانم را می‌بینم.",
    "vi": "Ngày mai tôi sẽ đến Hà Nội để gặp những người bạn cũ.",
}

# Everyday sentences full of function words (negation, copula, articles, pronouns, "one"), the
# words bilinguals do not switch: the test of code-switching's share of function words.
CHATTY = {
    "de": "Das ist nicht mein Buch, aber ich habe es gestern in der Stadt gekauft und es wird "
          "nie enden.",
    "ru": "Я не знаю, где он живёт, но мы встретимся завтра в городе у большого моста.",
    "hi": "मैं नहीं जानता कि वह कहाँ रहता है, लेकिन कल हम शहर में एक बड़े पुल के पास मिलेंगे।",
    "tr": "Bu bir kitap değil, ama dün şehirde bir arkadaşım için yeni bir kalem aldım ve çok "
          "mutlu oldum.",
    "vi": "Em vẫn muốn ở bên anh, nhưng hôm nay em phải đi làm ở thành phố và nói tiếng Anh.",
    "el": "Δεν ξέρω πού μένει, αλλά αύριο θα συναντηθούμε στην πόλη και θα φάμε μαζί ψωμί.",
}
