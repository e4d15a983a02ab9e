"""XTREME's official scoring, reimplemented from its code for the agreement tests.

Not vendored: each function below is a transcription of the official function it names, kept
line for line where the logic is (names, order of operations, the same float arithmetic), with
I/O replaced by in-memory values and faiss by exact numpy search. Sources:

- google-research/xtreme (Apache-2.0): ``evaluate.py`` (``accuracy``, ``f1``),
  ``third_party/evaluate_squad.py`` (from allenai/bi-att-flow's SQuAD v1.1 script),
  ``third_party/evaluate_mlqa.py`` (from facebookresearch/MLQA's ``mlqa_evaluation_v1.py``),
  ``third_party/utils_retrieve.py`` (``mine_bitext``, ``read_sent2id``,
  ``read_candidate2score``, ``bucc_optimize``, ``bucc_extract``, ``bucc_eval``,
  ``similarity_search``; based on facebookresearch/LASER);
- seqeval 1.2.2 (MIT, Hiroki Nakayama): ``metrics.sequence_labeling.get_entities``,
  ``end_of_chunk``, ``start_of_chunk`` and micro ``precision_score``/``recall_score``/
  ``f1_score`` in the default (conlleval) mode, which XTREME's ``evaluate.py`` calls.

Copyright 2020 Google and DeepMind; the SQuAD, MLQA, LASER and seqeval authors. Licensed under
the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0) for the XTREME
parts; seqeval under the MIT licence.
"""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from collections import Counter, defaultdict

import numpy as np

# --- evaluate_squad.py -----------------------------------------------------------------------


def squad_normalize_answer(s):
    def remove_articles(text):
        return re.sub(r'\b(a|an|the)\b', ' ', text)

    def white_space_fix(text):
        return ' '.join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return ''.join(ch for ch in text if ch not in exclude)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_articles(remove_punc(lower(s))))


def _f1(prediction_tokens, ground_truth_tokens):
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def squad_evaluate(dataset, predictions):
    """``evaluate(dataset, predictions)``: dataset = SQuAD ``data`` list, predictions by id."""
    def f1_score(prediction, ground_truth):
        return _f1(squad_normalize_answer(prediction).split(),
                   squad_normalize_answer(ground_truth).split())

    def exact_match_score(prediction, ground_truth):
        return squad_normalize_answer(prediction) == squad_normalize_answer(ground_truth)

    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article['paragraphs']:
            for qa in paragraph['qas']:
                total += 1
                ground_truths = [x['text'] for x in qa['answers']]
                prediction = predictions[qa['id']]
                exact_match += max(exact_match_score(prediction, g) for g in ground_truths)
                f1 += max(f1_score(prediction, g) for g in ground_truths)
    return {'exact_match': 100.0 * exact_match / total, 'f1': 100.0 * f1 / total}


# --- evaluate_mlqa.py ------------------------------------------------------------------------

PUNCT = {chr(i) for i in range(sys.maxunicode)
         if unicodedata.category(chr(i)).startswith('P')}.union(string.punctuation)
WHITESPACE_LANGS = ['en', 'es', 'hi', 'vi', 'de', 'ar']
MIXED_SEGMENTATION_LANGS = ['zh']


def mixed_segmentation(text):
    segs_out = []
    temp_str = ""
    for char in text:
        if re.search(r'[\u4e00-\u9fa5]', char) or char in PUNCT:
            if temp_str != "":
                segs_out.extend(temp_str.split())
                temp_str = ""
            segs_out.append(char)
        else:
            temp_str += char
    if temp_str != "":
        segs_out.extend(temp_str.split())
    return segs_out


def mlqa_normalize_answer(s, lang):
    def remove_articles(text, lang):
        if lang == 'en':
            return re.sub(r'\b(a|an|the)\b', ' ', text)
        elif lang == 'es':
            return re.sub(r'\b(un|una|unos|unas|el|la|los|las)\b', ' ', text)
        elif lang == 'hi':
            return text
        elif lang == 'vi':
            return re.sub(r'\b(của|là|cái|chiếc|những)\b', ' ', text)
        elif lang == 'de':
            return re.sub(r'\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b',
                          ' ', text)
        elif lang == 'ar':
            return re.sub(r'\sال^|ال', ' ', text)
        elif lang == 'zh':
            return text
        raise ValueError(f'Unknown Language {lang}')

    def white_space_fix(text, lang):
        if lang in WHITESPACE_LANGS:
            tokens = text.split()
        elif lang in MIXED_SEGMENTATION_LANGS:
            tokens = mixed_segmentation(text)
        else:
            raise ValueError(f'Unknown Language {lang}')
        return ' '.join([t for t in tokens if t.strip() != ''])

    def remove_punc(text):
        return ''.join(ch for ch in text if ch not in PUNCT)

    return white_space_fix(remove_articles(remove_punc(s.lower()), lang), lang)


def mlqa_evaluate(dataset, predictions, lang):
    def f1_score(prediction, ground_truth):
        return _f1(mlqa_normalize_answer(prediction, lang).split(),
                   mlqa_normalize_answer(ground_truth, lang).split())

    def exact_match_score(prediction, ground_truth):
        return mlqa_normalize_answer(prediction, lang) == mlqa_normalize_answer(ground_truth,
                                                                                lang)

    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article['paragraphs']:
            for qa in paragraph['qas']:
                total += 1
                ground_truths = [x['text'] for x in qa['answers']]
                prediction = predictions[qa['id']]
                exact_match += max(exact_match_score(prediction, g) for g in ground_truths)
                f1 += max(f1_score(prediction, g) for g in ground_truths)
    return {'exact_match': 100.0 * exact_match / total, 'f1': 100.0 * f1 / total}


# --- seqeval 1.2.2, as evaluate.py's f1() calls it ------------------------------------------


def end_of_chunk(prev_tag, tag, prev_type, type_):
    chunk_end = False
    if prev_tag == 'E':
        chunk_end = True
    if prev_tag == 'S':
        chunk_end = True
    if prev_tag == 'B' and tag == 'B':
        chunk_end = True
    if prev_tag == 'B' and tag == 'S':
        chunk_end = True
    if prev_tag == 'B' and tag == 'O':
        chunk_end = True
    if prev_tag == 'I' and tag == 'B':
        chunk_end = True
    if prev_tag == 'I' and tag == 'S':
        chunk_end = True
    if prev_tag == 'I' and tag == 'O':
        chunk_end = True
    if prev_tag != 'O' and prev_tag != '.' and prev_type != type_:
        chunk_end = True
    return chunk_end


def start_of_chunk(prev_tag, tag, prev_type, type_):
    chunk_start = False
    if tag == 'B':
        chunk_start = True
    if tag == 'S':
        chunk_start = True
    if prev_tag == 'E' and tag == 'E':
        chunk_start = True
    if prev_tag == 'E' and tag == 'I':
        chunk_start = True
    if prev_tag == 'S' and tag == 'E':
        chunk_start = True
    if prev_tag == 'S' and tag == 'I':
        chunk_start = True
    if prev_tag == 'O' and tag == 'E':
        chunk_start = True
    if prev_tag == 'O' and tag == 'I':
        chunk_start = True
    if tag != 'O' and tag != '.' and prev_type != type_:
        chunk_start = True
    return chunk_start


def get_entities(seq):
    if any(isinstance(s, list) for s in seq):
        seq = [item for sublist in seq for item in sublist + ['O']]  # noqa: RUF005
    prev_tag = 'O'
    prev_type = ''
    begin_offset = 0
    chunks = []
    for i, chunk in enumerate(seq + ['O']):  # noqa: RUF005
        tag = chunk[0]
        type_ = chunk[1:].split('-', maxsplit=1)[-1] or '_'
        if end_of_chunk(prev_tag, tag, prev_type, type_):
            chunks.append((prev_type, begin_offset, i - 1))
        if start_of_chunk(prev_tag, tag, prev_type, type_):
            begin_offset = i
        prev_tag = tag
        prev_type = type_
    return chunks


def seqeval_f1(labels, predictions):
    """evaluate.py's ``f1(labels, predictions)``: micro seqeval scores, in percent."""
    entities_true, entities_pred = defaultdict(set), defaultdict(set)
    for type_name, start, end in get_entities(labels):
        entities_true[type_name].add((start, end))
    for type_name, start, end in get_entities(predictions):
        entities_pred[type_name].add((start, end))
    names = sorted(set(entities_true) | set(entities_pred))
    tp = sum(len(entities_true[n] & entities_pred[n]) for n in names)
    pred = sum(len(entities_pred[n]) for n in names)
    true = sum(len(entities_true[n]) for n in names)
    # _prf_divide: 0 where the denominator is 0; f = 2pr / (p + r), 0 where p + r is 0
    precision = tp / pred if pred else 0.0
    recall = tp / true if true else 0.0
    denom = precision + recall
    f1 = 2 * precision * recall / denom if denom else 0.0
    return {'f1': f1 * 100, 'precision': precision * 100, 'recall': recall * 100}


# --- evaluate.py: accuracy (XNLI, PAWS-X, Tatoeba) --------------------------------------------


def accuracy(labels, predictions):
    correct = sum([int(p == l) for p, l in zip(predictions, labels)])  # noqa: E741
    return {'accuracy': float(correct) / len(predictions) * 100}


def similarity_search(x, y):
    """Index ``x`` (sources), search each row of ``y`` (targets): the nearest source by L2 on
    normalised vectors (faiss ``IndexFlatL2``, exact), i.e. the most cosine-similar."""
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    y = y / np.linalg.norm(y, axis=1, keepdims=True)
    d = ((y[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
    return d.argmin(axis=1)


# --- utils_retrieve.py: BUCC -----------------------------------------------------------------


def _knn(x, y, k):
    sim = x @ y.T
    ind = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(sim, ind, axis=1), ind


def mine_bitext(x, y, src_lines, trg_lines, threshold=0, neighborhood=4):
    """mode mine, retrieval max, margin ratio, cosine: the candidates file as
    (score, source sentence, target sentence) lines. ``x``/``y``: one embedding per line."""
    def text_load_unify(lines):
        inds, sents, sent2ind = [], [], {}
        for line in lines:
            new_ind = len(sent2ind)
            inds.append(sent2ind.setdefault(line, new_ind))
            if inds[-1] == new_ind:
                sents.append(line)
        return inds, sents

    def unique_embeddings(emb, ind):
        aux = {j: i for i, j in enumerate(ind)}
        return emb[[aux[i] for i in range(len(aux))]]

    src_inds, src_sents = text_load_unify(src_lines)
    trg_inds, trg_sents = text_load_unify(trg_lines)
    x = unique_embeddings(x, src_inds)
    y = unique_embeddings(y, trg_inds)
    x = x / np.linalg.norm(x, axis=1, keepdims=True)  # faiss.normalize_L2
    y = y / np.linalg.norm(y, axis=1, keepdims=True)
    x2y_sim, x2y_ind = _knn(x, y, min(y.shape[0], neighborhood))
    x2y_mean = x2y_sim.mean(axis=1)
    y2x_sim, y2x_ind = _knn(y, x, min(x.shape[0], neighborhood))
    y2x_mean = y2x_sim.mean(axis=1)

    def margin(a, b):
        return a / b

    def score_candidates(x, y, candidate_inds, fwd_mean, bwd_mean):
        scores = np.zeros(candidate_inds.shape)
        for i in range(scores.shape[0]):
            for j in range(scores.shape[1]):
                k = candidate_inds[i, j]
                scores[i, j] = margin(x[i].dot(y[k]), (fwd_mean[i] + bwd_mean[k]) / 2)
        return scores

    fwd_scores = score_candidates(x, y, x2y_ind, x2y_mean, y2x_mean)
    bwd_scores = score_candidates(y, x, y2x_ind, y2x_mean, x2y_mean)
    fwd_best = x2y_ind[np.arange(x.shape[0]), fwd_scores.argmax(axis=1)]
    bwd_best = y2x_ind[np.arange(y.shape[0]), bwd_scores.argmax(axis=1)]
    indices = np.stack((np.concatenate((np.arange(x.shape[0]), bwd_best)),
                        np.concatenate((fwd_best, np.arange(y.shape[0])))), axis=1)
    scores = np.concatenate((fwd_scores.max(axis=1), bwd_scores.max(axis=1)))
    seen_src, seen_trg, out = set(), set(), []
    for i in np.argsort(-scores):
        src_ind, trg_ind = indices[i]
        if src_ind not in seen_src and trg_ind not in seen_trg:
            seen_src.add(src_ind)
            seen_trg.add(trg_ind)
            if scores[i] > threshold:
                out.append((scores[i], src_sents[src_ind], trg_sents[trg_ind]))
    return out


def read_sent2id(sentences, ids):
    repeated = set()
    sent2id = {}
    for id, sent in zip(ids, sentences):
        if sent in sent2id:
            repeated.add(sent)
        else:
            sent2id[sent] = id
    for sent in repeated:
        del sent2id[sent]
    return sent2id


def read_candidate2score(candidates, src_sents, trg_sents, src_ids, trg_ids):
    src_sent2id = read_sent2id(src_sents, src_ids)
    trg_sent2id = read_sent2id(trg_sents, trg_ids)
    candidate2score = {}
    for score, src, trg in candidates:
        score = float(score)
        if src in src_sent2id and trg in trg_sent2id:
            src_id = src_sent2id[src]
            trg_id = trg_sent2id[trg]
            score = max(score, candidate2score.get((src_id, trg_id), score))
            candidate2score[(src_id, trg_id)] = score
    return candidate2score


def bucc_optimize(candidate2score, gold):
    items = sorted(candidate2score.items(), key=lambda x: -x[1])
    ngold = len(gold)
    nextract = ncorrect = 0
    threshold = 0
    best_f1 = 0
    for i in range(len(items)):
        nextract += 1  # noqa: SIM113
        if '\t'.join(items[i][0]) in gold:
            ncorrect += 1
        if ncorrect > 0:
            precision = ncorrect / nextract
            recall = ncorrect / ngold
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best_f1:
                best_f1 = f1
                # the official line reads items[i + 1] and fails on the last item
                threshold = ((items[i][1] + items[i + 1][1]) / 2 if i + 1 < len(items)
                             else items[i][1])
    return threshold


def bucc_extract(cand2score, th):
    return [src + '\t' + trg for (src, trg), score in cand2score.items() if score >= th]


def bucc_eval(candidates, gold, src_sents, trg_sents, src_ids, trg_ids):
    """``gold``: set of "source id<TAB>target id" lines."""
    candidate2score = read_candidate2score(candidates, src_sents, trg_sents, src_ids, trg_ids)
    threshold = bucc_optimize(candidate2score, gold)
    bitexts = bucc_extract(candidate2score, threshold)
    ncorrect = len(gold.intersection(bitexts))
    if ncorrect > 0:
        precision = ncorrect / len(bitexts)
        recall = ncorrect / len(gold)
        f1 = 2 * precision * recall / (precision + recall)
    else:
        precision = recall = f1 = 0
    return {'best-threshold': threshold, 'precision': 100 * precision,
            'recall': 100 * recall, 'F1': 100 * f1}
