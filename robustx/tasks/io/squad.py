"""SQuAD-style JSON (XQuAD, MLQA, TyDiQA-GoldP): ``{"data": [{"paragraphs": [{"context",
"qas": [...]}]}]}`` flattened into one row per question on reading, and the noisy rows put back
into the same nesting on writing. Not a format of its own: the ``json`` format reads and writes
it, with the document's *layout* carried by the :class:`~robustx.tasks.split.Split`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ...errors import InputError, InternalError
from .. import languages
from ..split import PARA_ANSWERS, PARA_KEY, ROW_LANG
from .base import json_kind

_JSON = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(..., ensure_ascii=False)


def is_squad(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("data"), list)


def _need(obj: Any, key: str, kind: type | tuple[type, ...], what: str, where: str,
          default: Any = ...) -> Any:
    """``obj[key]`` when it has the JSON type a SQuAD document needs there, else an InputError
    that names the place (``data[0].paragraphs[2].qas[1].id``)."""
    if default is not ... and key not in obj:
        return default
    if key not in obj:
        raise InputError(f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{where}.{key}: must be {what}, got {json_kind(value)}")
    return value


def squad_rows(doc: dict, source: str) -> tuple[list[dict], dict]:
    """A SQuAD-style document -> (one row per question, layout).

    Rows have the google/xtreme QA columns plus the hidden :data:`PARA_KEY` and
    :data:`PARA_ANSWERS`. The layout is the document with every context that has questions,
    every question and every answer's ``answer_start``/``text`` set to None (the rows carry them,
    in document order); everything else is kept as it was, key order included.
    """
    rows: list[dict] = []
    articles = []
    for i, article in enumerate(doc["data"]):
        at = f"{source}: data[{i}]"
        if not isinstance(article, dict):
            raise InputError(f"{at}: must be an object, got {json_kind(article)}")
        paras = _need(article, "paragraphs", list, "a list", at, None)
        if paras is None:
            articles.append(article)
            continue
        skel_paras = []
        for j, para in enumerate(paras):
            pat = f"{at}.paragraphs[{j}]"
            if not isinstance(para, dict):
                raise InputError(f"{pat}: must be an object, got {json_kind(para)}")
            context = _need(para, "context", str, "a string", pat)
            qas = _need(para, "qas", list, "a list", pat, None)
            if not qas:
                skel_paras.append(para)  # no question: no row, written back as it was
                continue
            para_rows, skel_qas = [], []
            for k, qa in enumerate(qas):
                qat = f"{pat}.qas[{k}]"
                if not isinstance(qa, dict):
                    raise InputError(f"{qat}: must be an object, got {json_kind(qa)}")
                qid = _need(qa, "id", (str, int), "a string or an integer", qat)
                question = _need(qa, "question", str, "a string", qat)
                answers = _need(qa, "answers", list, "a list", qat, [])
                starts, texts, skel_answers = [], [], []
                for m, a in enumerate(answers):
                    aat = f"{qat}.answers[{m}]"
                    if not isinstance(a, dict):
                        raise InputError(f"{aat}: must be an object, got {json_kind(a)}")
                    starts.append(_need(a, "answer_start", int, "an integer", aat))
                    texts.append(_need(a, "text", str, "a string", aat))
                    skel_answers.append(dict(a, answer_start=None, text=None))
                para_rows.append({"id": str(qid), "context": context, "question": question,
                                  "answers": {"answer_start": starts, "text": texts}})
                skel_qas.append(dict(qa, question=None, **(
                    {"answers": skel_answers} if "answers" in qa else {})))
            blob = json.dumps([context, sorted(r["id"] for r in para_rows)], ensure_ascii=False)
            key = "p:" + hashlib.blake2b(blob.encode("utf-8", "surrogatepass"),
                                         digest_size=16).hexdigest()
            spans = {"answer_start": [s for r in para_rows for s in r["answers"]["answer_start"]],
                     "text": [t for r in para_rows for t in r["answers"]["text"]]}
            rows += [dict(r, **{PARA_KEY: key, PARA_ANSWERS: spans}) for r in para_rows]
            skel_paras.append(dict(para, context=None, qas=skel_qas))
        articles.append(dict(article, paragraphs=skel_paras))
    langs = languages.id_prefix_lang([r["id"] for r in rows])
    if langs is not None:  # one file of several languages, told apart by the ids alone
        for row, lang in zip(rows, langs, strict=True):
            row[ROW_LANG] = lang
    return rows, dict(doc, data=articles)


class SquadWriter:
    """Puts the rows of a flattened SQuAD-style document (one per question, in document order)
    back into its nesting, streaming: one article is held at a time.

    ``layout`` is the document as :func:`squad_rows` left it: every key of every level is
    written back as it was, in its order; the rows fill in each paragraph's context, each
    question and each answer's ``answer_start``/``text``. All questions of a paragraph must
    bring the same context: anything else is an internal error, never a silent choice between
    two contexts.
    """

    def __init__(self, fh: Any, layout: dict, name: str) -> None:
        self.fh, self.layout, self.name = fh, layout, name
        keys = list(layout)
        at = keys.index("data")
        self.tail = keys[at + 1:]  # top-level keys after "data", written by close()
        self.articles = layout["data"]
        self.a = self.p = self.q = 0  # the next question to fill: article, paragraph, question
        self.paras: list[dict] = []  # the current article's paragraphs so far
        self.rows = self.n_written = 0
        fh.write("{" + "".join(f"{_JSON(k)}: {_JSON(layout[k])}, " for k in keys[:at]) +
                 '"data": [')
        self._advance()

    def _fail(self, what: str) -> InternalError:
        return InternalError(f"internal error writing {self.name}: {what}; the output was not "
                             "written (please report this)")

    def _advance(self) -> None:
        """Move to the next question slot, writing out every article that is complete."""
        while self.a < len(self.articles):
            article = self.articles[self.a]
            paras = article.get("paragraphs") or []
            while self.p < len(paras):
                para = paras[self.p]
                if para.get("context", "") is not None:  # no question, so no row: as it was
                    self.paras.append(para)
                elif self.q < len(para["qas"]):
                    return
                self.p, self.q = self.p + 1, 0
            self._write(article if "paragraphs" not in article
                        else dict(article, paragraphs=self.paras))
            self.a, self.p, self.q, self.paras = self.a + 1, 0, 0, []

    def _write(self, article: Any) -> None:
        self.fh.write(("," if self.n_written else "") + "\n" + _JSON(article))
        self.n_written += 1

    def add(self, row: dict[str, Any]) -> None:
        if self.a >= len(self.articles):
            raise self._fail(f"more rows than questions ({self.rows + 1}th row)")
        para = self.articles[self.a]["paragraphs"][self.p]
        qa = para["qas"][self.q]
        where = f"data[{self.a}].paragraphs[{self.p}].qas[{self.q}]"
        if row["id"] != str(qa["id"]) or PARA_KEY not in row:
            raise self._fail(f"row {self.rows + 1} (id {row['id']!r}) does not belong at {where} "
                             f"(id {qa['id']!r})")
        if self.q == 0:
            self.paras.append(dict(para, context=row["context"], qas=[]))
        elif self.paras[-1]["context"] != row["context"]:
            raise self._fail(f"the questions of data[{self.a}].paragraphs[{self.p}] came out with "
                             f"different noisy contexts ({self.paras[-1]['qas'][0]['id']!r} and "
                             f"{qa['id']!r})")
        answers = row["answers"]
        new = dict(qa, question=row["question"])
        if "answers" in qa:
            if len(answers["text"]) != len(qa["answers"]):
                raise self._fail(f"{where} has {len(qa['answers'])} answers but its row "
                                 f"{len(answers['text'])}")
            new["answers"] = [dict(a, answer_start=s, text=t) for a, s, t in zip(
                qa["answers"], answers["answer_start"], answers["text"], strict=True)]
        self.paras[-1]["qas"].append(new)
        self.rows += 1
        self.q += 1
        self._advance()

    def close(self) -> None:
        if self.a < len(self.articles):
            raise self._fail(f"rows ended at data[{self.a}].paragraphs[{self.p}].qas[{self.q}] "
                             f"after {self.rows} rows")
        self.fh.write(("\n" if self.n_written else "") + "]" + "".join(
            f", {_JSON(k)}: {_JSON(self.layout[k])}" for k in self.tail) + "}\n")
