// train.py's header and pure helpers: the studio's rules (seeds, split, truncation, schedules, score formula, retries, run.json), standard library only.
// Python source kept as text (String.raw: no backticks or dollar-brace in it); train-py.ts joins the parts.
export const PY_HELPERS = String.raw`#!/usr/bin/env python3
"""Mindprint Studio's curriculum recipe on Hugging Face TRL + PEFT, for one GPU or a cluster.

Per topic, in curriculum order: SFT (LoRA, loss on the answer tokens only) -> reward model (LoRA +
scalar head, Bradley-Terry, 80/20 split, early stopping) -> PPO with an adaptive KL penalty (or DPO)
-> evaluation against the topic's adaptive pass threshold, with retries; chapter tests, unit exams and
the final assessment after their part; unit merges. Every value comes from plan.json, which is what
"mindprint config --json" printed for this curriculum. Adapters are written as the studio writes
them (adapters/{source path}/{phase}_adapter, merged_adapters/{unit}_merged) with run.json, so
"mindprint import-run OUTPUT" brings the run back into the studio.

    python train.py                              # every topic, on the best device found
    python train.py --topics unit-01/chapter-01/topic-01 --max-steps 2 --device cpu   # a smoke run
    accelerate launch --config_file accelerate/multi_gpu.yaml train.py --out output

Targets trl 1.9.0 and peft 0.20.0 (see requirements.txt). A killed run resumes where it stopped: run it
again with the same arguments. Where TRL's trainers differ from the studio's, README.md says how.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_STATE_VERSION = 1
QUESTION_PASS = 0.75  # an open question passes at this score with neither violation
SCORE_EPS = 1e-9  # slack on every pass bar (0.5*0.5 + 0.3 + 0.1 + 0.1 = 0.75)
DISTINCTION_MARGIN = 0.05
DISTINCTION_FLOOR = 0.5
VOICE_WEIGHTS = {"confidence": 0.3, "psychology": 0.35, "terminology": 0.35}
EXAM_BARS = {
    "topic": {"accuracy": 0.9, "voice": 0.75},
    "chapter": {"accuracy": 0.85, "voice": 0.75},
    "unit": {"accuracy": 0.8, "voice": 0.75},
    "final": {"accuracy": 0.85, "voice": 0.8},
}
CHANCE_LOSS_TOLERANCE = 1e-3
NEUTRAL_DISTINCTION_PROMPT = "State what is true."
LEXICAL_STOPWORDS = set(
    (
        "a an the and or but if then so of to in on at by for with from as into about than "
        "is are was were be been being am do does did has have had it its this that these those "
        "i you he she we they me him her us them my your his our their what which who whom "
        "not no can will would should could may might must just very too also there here"
    ).split()
)

# ---------------------------------------------------------------------------------------------
# Pure helpers: the studio's rules, line for line (standard library only, so they run anywhere).

MASK32 = 0xFFFFFFFF


def imul(a, b):
    """Math.imul: the low 32 bits of a * b."""
    return ((a & MASK32) * (b & MASK32)) & MASK32


class Rng:
    """mulberry32, as src/util/rng.ts: the same seed gives the same shuffles as the studio."""

    def __init__(self, seed):
        self.state = seed & MASK32

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & MASK32
        t = self.state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & MASK32
        return ((t ^ (t >> 14)) & MASK32) / 4294967296

    def int(self, n):
        return math.floor(self.next() * n)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


def seed_for(base, *parts):
    """FNV-1a over the parts joined by '|' (UTF-16 code units, as the studio's seedFor)."""
    h = base & MASK32
    for ch in "|".join(str(p) for p in parts):
        code = ord(ch)
        if code > 0xFFFF:
            code = 0xD800 + ((code - 0x10000) >> 10)
        h = imul(h ^ code, 16777619)
    return h


def js_round(x):
    """Math.round: halves round up."""
    return math.floor(x + 0.5)


def split_pairs(n, validation_split, seed):
    """Seeded 80/20 split: round(n * share) validation pairs, at least 1 and at most n - 1."""
    order = Rng(seed).shuffle(list(range(n)))
    if n < 2:
        return {"train": order, "val": list(order), "validated_on_train": True}
    n_val = min(n - 1, max(1, js_round(n * validation_split)))
    return {"train": order[n_val:], "val": order[:n_val], "validated_on_train": False}


def warmup_steps(total_steps, warmup_ratio):
    """ceil(ratio * total) with float noise rounded away first (0.1 * 30 = 3)."""
    return math.ceil(round(warmup_ratio * total_steps, 9))


def lr_factor(kind, step, total, warmup_ratio):
    """The learning-rate factor of 0-based step "step" (transformers' schedules with linear warmup)."""
    warm = warmup_steps(total, warmup_ratio)
    if warm > 0 and step <= warm:
        return step / warm
    if kind == "constant":
        return 1.0
    progress = min(1.0, (step - warm) / max(1, total - warm))
    if kind == "linear":
        return max(0.0, (total - step) / max(1, total - warm))
    return 0.5 * (1 + math.cos(math.pi * progress))


def sft_lr_factor(step, total, warmup_ratio):
    """SFT reads the schedule one step ahead, with at least one warmup step: the first step trains."""
    ratio = warmup_ratio if warmup_steps(total, warmup_ratio) >= 1 else 1 / total
    return lr_factor("cosine", step + 1, total, ratio)


def build_example(prompt_ids, completion_ids, max_len, bos_id, end_ids, keep_end=False):
    """The studio's truncation: a prompt that would leave its answer less than a quarter of max_len is
    cut from the left (BOS kept); the answer keeps its start (and, with keep_end, its end-of-turn token)."""
    completion = list(completion_ids)
    end = next((i for i, t in enumerate(completion) if t in end_ids), -1)
    if end >= 0:
        completion = completion[: end + 1]
    elif end_ids:
        completion.append(end_ids[0])
    prompt = list(prompt_ids)
    cut = max(0, len(prompt) - (max_len - min(len(completion), max_len // 4)))
    if cut > 0:
        keep = 1 if bos_id is not None and prompt and prompt[0] == bos_id else 0
        prompt = prompt[:keep] + prompt[keep + cut :]
    room = max_len - len(prompt)
    truncated = len(completion) > room
    if truncated:
        completion = completion[: room - 1] + [completion[-1]] if keep_end else completion[:room]
    return {
        "ids": prompt + completion,
        "prompt_len": len(prompt),
        "truncated": truncated,
        "prompt_truncated": cut > 0,
    }


def lexical_tokens(text):
    out = []
    for m in re.finditer(r"[^\W_]+(?:['\u2019][^\W_]+)*", text.lower()):
        out.append(m.group(0).replace("\u2019", "'"))
    return out


def lexical_features(text):
    words = [w for w in lexical_tokens(text) if w not in LEXICAL_STOPWORDS]
    counts = {}
    for i, w in enumerate(words):
        counts[w] = counts.get(w, 0) + 1
        if i > 0:
            key = words[i - 1] + " " + w
            counts[key] = counts.get(key, 0) + 1
    return counts


def lexical_similarity(a, b):
    """Cosine of unigram + bigram counts, stopwords removed (the studio's lexical similarity)."""
    fa, fb = lexical_features(a), lexical_features(b)
    if not fa and not fb:
        return 1.0 if a.strip() == b.strip() else 0.0
    na = sum(v * v for v in fa.values())
    nb = sum(v * v for v in fb.values())
    if na == 0 or nb == 0:
        return 0.0
    dot = sum(v * fb.get(k, 0) for k, v in fa.items())
    return min(1.0, dot / math.sqrt(na * nb))


def _compiled(pattern):
    return re.compile(pattern, re.IGNORECASE)


def voice_score(text, markers):
    """0.30 confidence + 0.35 psychology + 0.35 terminology; each min(1, patterns found / expected)."""
    cats = markers.get("categories") or {}
    score = 0.0
    categories = {}
    missing = []
    for name, weight in VOICE_WEIGHTS.items():
        cat = cats.get(name)
        if cat is None:
            missing.append(name)
            s = 0.0
        else:
            found = sum(1 for p in cat["patterns"] if _compiled(p).search(text))
            s = min(1.0, found / cat["expected"])
        categories[name] = s
        score += weight * s
    return {"score": score, "categories": categories, "missing": missing}


def negative_hits(text, markers):
    return [p for p in markers.get("negative_patterns") or [] if _compiled(p).search(text)]


def violates(answer, distinctions, similarity):
    """An answer violates a distinction when it is closer to the misconception by more than 0.05 and
    closer to it than 0.5."""
    out = []
    for d in distinctions:
        sc, si = similarity(answer, d["correct"]), similarity(answer, d["incorrect"])
        if si > sc + DISTINCTION_MARGIN and si > DISTINCTION_FLOOR:
            out.append({"correct": d["correct"], "incorrect": d["incorrect"], "simCorrect": sc, "simIncorrect": si})
    return out


def clamp01(x):
    return min(1.0, max(0.0, x)) if math.isfinite(x) else 0.0


def question_score(answer, reference, markers, distinctions, similarity, weights):
    """weights . (semantic, voice, no distinction violation, no negative pattern)."""
    semantic = clamp01(similarity(answer, reference))
    voice = voice_score(answer, markers)
    violations = violates(answer, distinctions, similarity)
    negatives = negative_hits(answer, markers)
    d_ok, n_ok = not violations, not negatives
    score = (
        weights["semantic"] * semantic
        + weights["voice"] * voice["score"]
        + weights["distinctions"] * (1 if d_ok else 0)
        + weights["negative"] * (1 if n_ok else 0)
    )
    return {
        "score": score,
        "semantic": semantic,
        "voice": voice["score"],
        "distinctionOk": d_ok,
        "negativeOk": n_ok,
        "passed": score >= QUESTION_PASS - SCORE_EPS and d_ok and n_ok,
        "negativeHits": negatives,
        "violations": violations,
    }


def topic_score(question_scores, threshold, distinction_failures):
    """Mean question score; passes at the threshold with at least one question and no failed distinction."""
    n = len(question_scores)
    score = sum(question_scores) / n if n else 0.0
    return {"score": score, "passed": n > 0 and score >= threshold - SCORE_EPS and distinction_failures == 0}


def read_true_false(reference):
    m = re.match(r"^[\s*_\"'\x60(\[]*(true|false)\b", reference, re.IGNORECASE)
    return None if m is None else m.group(1).lower() == "true"


def option_letter(option):
    m = re.match(r"^\s*\(?([A-Za-z])\s*[).:\]]", option)
    return m.group(1).upper() if m else None


def choice_options(q):
    """The texts a choice question's options are scored as, and the index of the correct one."""
    if q["type"] == "true_false":
        answer = q.get("correct_answer")
        if answer is None:
            answer = read_true_false(q["reference_answer"])
        if answer is None:
            raise ValueError(f"question {q['question'][:60]!r}: true_false needs an answer starting True/False")
        return ["True", "False"], 0 if answer else 1
    options = q.get("options") or []
    letter = re.sub(r"[).:\]]$", "", (q.get("correct_option") or "").strip()).lstrip("(").upper()
    if len(options) < 2 or not re.fullmatch(r"[A-Z]", letter):
        raise ValueError(f"question {q['question'][:60]!r}: multiple_choice needs 2+ options and one letter")
    idx = next((i for i, o in enumerate(options) if option_letter(o) == letter), ord(letter) - 65)
    if idx >= len(options):
        raise ValueError(f"question {q['question'][:60]!r}: correct_option {letter} names no option")
    return list(options), idx


def score_choice(lls, correct_index):
    """1 when the most likely option is the correct one (ties go to the earlier; NaN counts as -inf)."""
    best, chosen = -math.inf, 0
    for i, ll in enumerate(lls):
        v = -math.inf if ll != ll else ll
        if i == 0 or v > best:
            best, chosen = v, i
    return {"accuracy": 1 if chosen == correct_index else 0, "chosenIndex": chosen, "correctIndex": correct_index}


def summarise_exam(level, rows):
    """rows: [{passed, score, voice}]; accuracy and mean voice against the level's bars."""
    bars = EXAM_BARS[level]
    n = len(rows)
    accuracy = sum(1 for r in rows if r["passed"]) / n if n else 0.0
    voices = [r["voice"] for r in rows if r["voice"] is not None]
    mean_voice = sum(voices) / len(voices) if voices else None
    acc_ok = n > 0 and accuracy >= bars["accuracy"] - SCORE_EPS
    voice_ok = None if mean_voice is None else mean_voice >= bars["voice"] - SCORE_EPS
    return {"accuracy": accuracy, "meanVoice": mean_voice, "bars": dict(bars), "passed": acc_ok and voice_ok is not False}


def judge_reward(best_val_loss, val_accuracy):
    """A reward model learned when held-out pairs rank better than chance and the loss left ln 2."""
    at_chance = best_val_loss is None or not math.isfinite(best_val_loss) or abs(best_val_loss - math.log(2)) < CHANCE_LOSS_TOLERANCE
    acc = val_accuracy if val_accuracy is not None else float("nan")
    return (not at_chance) and acc > 0.5


def retry_decision(passed, evaluated, attempt, retries, score, previous_score):
    """Finished when passed, not evaluated, out of retries, or when a retry scored the same as before."""
    if passed or not evaluated or attempt >= retries:
        return True, None
    if score is not None and previous_score is not None and abs(score - previous_score) < 1e-6:
        left = retries - attempt
        return True, (
            f"attempt {attempt} scored {score:.3f}, the same as attempt {attempt - 1}: the same recipe again would "
            f"not change it, so the remaining {left} retr{'y was' if left == 1 else 'ies were'} not run"
        )
    return False, None


def folds_into_base(final_key, passed, merge_failed, evaluated):
    return bool(final_key) and (passed or merge_failed or not evaluated)


def pass_rate(topics):
    evaluated = [t for t in topics if t["trainable"] and t["score"] is not None]
    passed = sum(1 for t in evaluated if t["passed"])
    return {"passed": passed, "trained": len(evaluated), "rate": passed / len(evaluated) if evaluated else None}


def run_json(state, similarity, markers):
    """run.json in the studio's shape (src/training/run-report.ts runJson)."""
    topics = []
    for t in state["topics"]:
        topics.append(
            {
                "id": t["id"],
                "trainable": t["trainable"],
                **({"untrainableReason": t["untrainableReason"]} if t.get("untrainableReason") else {}),
                "phasesRun": t["phasesRun"],
                "attempts": [
                    {
                        "attempt": a["attempt"],
                        "seed": a["seed"],
                        "sftEpochs": a["sftEpochs"],
                        "phases": a["phases"],
                        "adapters": a["adapters"],
                        "score": a["score"],
                        "passed": a["passed"],
                        "notes": a["notes"],
                        "warnings": a.get("warnings", []),
                        "rewardLearned": a.get("rewardLearned"),
                        **({"evaluation": a["evaluation"]} if a.get("evaluation") is not None else {}),
                    }
                    for a in t["attempts"]
                ],
                "warnings": t.get("warnings", []),
                "score": t["score"],
                "threshold": t["threshold"],
                "passed": t["passed"],
                "adapter": t["finalAdapter"],
                "merged": t["merged"],
                "truncatedExamples": t["truncatedExamples"],
                "identicalPairs": t.get("identicalPairs", 0),
            }
        )
    return {
        "model": state["modelName"],
        "seed": state["seed"],
        "alignment": state["alignment"],
        "phases": state["phases"],
        "finished": state["finished"],
        "similarity": similarity,
        "passRate": pass_rate(state["topics"]),
        "topics": topics,
        "exams": state["exams"],
        "merged": state["merged"],
        "markers": markers,
    }
`;
