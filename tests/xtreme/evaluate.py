# coding=utf-8
# Copyright 2020 Google and DeepMind.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
"""Evaluation.

Vendored for robustx's tests from google-research/xtreme (evaluate.py and
third_party/evaluate_squad.py at the mirrored HEAD), trimmed: only the readers, the metrics of
the tasks the tests score (XNLI/PAWS-X accuracy, PAN-X/UD-POS seqeval F1, SQuAD EM/F1) and
``evaluate_one_task``; the SQuAD evaluation is inlined instead of imported from third_party,
and the ``print`` of an unanswered question is dropped. The reading and scoring code itself is
unchanged (two-space indentation kept), so that a robustx submission folder is scored here
exactly as XTREME scores it.
"""
# ruff: noqa

import json
import re
import string
from collections import Counter

from seqeval.metrics import f1_score
from seqeval.metrics import precision_score
from seqeval.metrics import recall_score


def read_tag(file):
  """Read labels of NER and POS data."""
  labels = []
  example = []
  with open(file, 'r') as f:
    for line in f:
      line = line.strip()
      if line:
        example.append(line)
      else:
        labels.append(example)
        example = []
  if example:
    labels.append(example)
  return labels


def read_label(file):
  with open(file, 'r') as f:
    return [l.strip() for l in f]


def read_squad(file):
  """Read QA data."""
  with open(file) as dataset_file:
    dataset_json = json.load(dataset_file)
    if 'data' in dataset_json:
      return dataset_json['data']
    else:
      return dataset_json


def f1(labels, predictions, language=None):
  f1_val = f1_score(labels, predictions)
  prec = precision_score(labels, predictions)
  rec = recall_score(labels, predictions)
  return {'f1': f1_val * 100, 'precision': prec * 100, 'recall': rec * 100}


def accuracy(labels, predictions, language=None):
  correct = sum([int(p == l) for p, l in zip(predictions, labels)])
  accuracy_score = float(correct) / len(predictions)
  return {'accuracy': accuracy_score * 100}


# --- third_party/evaluate_squad.py (official SQuAD v1.1 evaluation) ---

def normalize_answer(s):
    """Lower text and remove punctuation, articles and extra whitespace."""
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


def squad_f1_score(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    f1 = (2 * precision * recall) / (precision + recall)
    return f1


def exact_match_score(prediction, ground_truth):
    return (normalize_answer(prediction) == normalize_answer(ground_truth))


def metric_max_over_ground_truths(metric_fn, prediction, ground_truths):
    scores_for_ground_truths = []
    for ground_truth in ground_truths:
        score = metric_fn(prediction, ground_truth)
        scores_for_ground_truths.append(score)
    return max(scores_for_ground_truths)


def squad_eval(dataset, predictions):
    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article['paragraphs']:
            for qa in paragraph['qas']:
                total += 1
                if qa['id'] not in predictions:
                    continue
                ground_truths = list(map(lambda x: x['text'], qa['answers']))
                prediction = predictions[qa['id']]
                exact_match += metric_max_over_ground_truths(
                    exact_match_score, prediction, ground_truths)
                f1 += metric_max_over_ground_truths(
                    squad_f1_score, prediction, ground_truths)

    exact_match = 100.0 * exact_match / total
    f1 = 100.0 * f1 / total

    return {'exact_match': exact_match, 'f1': f1}


def squad_em_f1(labels, predictions, language=None):
  return squad_eval(labels, predictions)


def bucc_f1(labels, predictions, language=None):
  """Calculate F1 score for BUCC data."""
  labels = set([tuple(l.split('\t')) for l in labels])
  predictions = set([tuple(l.split('\t')) for l in predictions])
  ncorrect = len(labels.intersection(predictions))
  if ncorrect > 0:
    prec = ncorrect / len(predictions)
    rec = ncorrect / len(labels)
    f1_val = 2 * prec * rec / (prec + rec)
  else:
    prec = rec = f1_val = 0
  return {'f1': f1_val * 100, 'precision': prec * 100, 'recall': rec * 100}


READER_FUNCTION = {
    'pawsx': read_label,
    'xnli': read_label,
    'panx': read_tag,
    'udpos': read_tag,
    'xquad': read_squad,
    'tydiqa': read_squad,
    'bucc2018': read_label,
    'tatoeba': read_label,
}


METRIC_FUNCTION = {
    'pawsx': accuracy,
    'xnli': accuracy,
    'panx': f1,
    'udpos': f1,
    'xquad': squad_em_f1,
    'tydiqa': squad_em_f1,
    'bucc2018': bucc_f1,
    'tatoeba': accuracy,
}


def evaluate_one_task(prediction_file, label_file, task, language=None):
  r"""Evaluate the classification tasks by accuracy.

  Args:
    prediction_file (string): path to the prediction tsv file.
    label_file (string): path to the grouth truth tsv file.
    task (string): task identifier
    language (string): language ISO code
  Returns:
    result (dict): a dictionary with accuracy.

  Both input files contain one example per line as follows:
    ``[label]\t[sentence1]\t[sentence2]``
  """
  predictions = READER_FUNCTION[task](prediction_file)
  labels = READER_FUNCTION[task](label_file)
  if task not in ['bucc2018', 'mewslix', 'mlqa', 'tydiqa', 'xquad']:
    assert len(predictions) == len(labels), (
        'Number of examples in {} and {} not matched in {} task'.format(
            prediction_file, label_file, task))
  result = METRIC_FUNCTION[task](labels, predictions, language)
  return result
