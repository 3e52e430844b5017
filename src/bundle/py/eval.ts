// train.py's evaluation (answers, option log-likelihoods, exams) and the exact unit merge.
// Python source kept as text (String.raw: no backticks or dollar-brace in it); train-py.ts joins the parts.
export const PY_EVAL = String.raw`

# ---------------------------------------------------------------------------------------------
# Evaluation: greedy answers with the chat template, choice questions and distinctions by the mean
# token log-likelihood of each answer (its end-of-turn token included), scored by the helpers above.


def similarity_fn(embedder):
    """Sentence embeddings (all-MiniLM-L6-v2) when sentence-transformers has them, else the lexical cosine."""
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(embedder or "sentence-transformers/all-MiniLM-L6-v2")
        cache = {}

        def emb(t):
            if t not in cache:
                cache[t] = model.encode(t, normalize_embeddings=True)
            return cache[t]

        return (lambda a, b: clamp01(float((emb(a) * emb(b)).sum()))), {"name": "embedding:all-MiniLM-L6-v2", "reason": ""}
    except Exception as e:  # not installed, or the model cannot be fetched: score as the studio does without it
        return lexical_similarity, {"name": "lexical:unigram+bigram-cosine", "reason": f"no sentence embeddings ({type(e).__name__})"}


class Policy:
    def __init__(self, stack, model, max_new_tokens):
        self.stack, self.model, self.max_new = stack, model.eval(), max_new_tokens

    def answer(self, question):
        torch, tok = self.stack.torch, self.stack.tok
        ids = tok(self.stack.chat(question), add_special_tokens=False, return_tensors="pt")["input_ids"].to(self.stack.device)
        with torch.no_grad():
            out = self.model.generate(input_ids=ids, max_new_tokens=self.max_new, do_sample=False, eos_token_id=self.stack.end_ids,
                                      pad_token_id=self.stack.pad_id)
        return tok.decode(out[0, ids.shape[1]:], skip_special_tokens=True)

    def log_likelihood(self, prompt, answer):
        torch = self.stack.torch
        ex = self.stack.example(prompt, answer, max_len=self.stack.max_positions)
        ids = torch.tensor([ex["ids"]], device=self.stack.device)
        with torch.no_grad():
            logp = torch.log_softmax(self.model(input_ids=ids).logits[0, :-1].float(), -1)
        targets = ids[0, 1:]
        picked = logp.gather(1, targets[:, None])[:, 0][ex["prompt_len"] - 1:]
        return float(picked.mean()) if picked.numel() else float("nan")


def evaluate_questions(policy, questions, markers, distinctions, similarity, weights):
    rows = []
    for q in questions:
        if q["type"] == "open":
            ans = policy.answer(q["question"])
            r = question_score(ans, q["reference_answer"], markers, distinctions, similarity, weights)
            rows.append({"question": q["question"], "type": "open", "answer": ans, "score": r["score"], "passed": r["passed"], "voice": r["voice"]})
        else:
            texts, correct = choice_options(q)
            c = score_choice([policy.log_likelihood(q["question"], t) for t in texts], correct)
            rows.append({"question": q["question"], "type": q["type"], "answer": texts[c["chosenIndex"]], "score": c["accuracy"],
                         "passed": c["accuracy"] == 1, "voice": None})
    return rows


def evaluate_topic(ctx, policy, tc, files, distinctions):
    quiz = files["quiz"]
    questions = quiz["questions"] if quiz else [{"question": q, "reference_answer": a, "type": "open"} for q, a in files["sft"]]
    rows = evaluate_questions(policy, questions, ctx["plan"]["voiceMarkers"], distinctions, ctx["similarity"], ctx["plan"]["pipeline"]["evaluation"]["weights"])
    failures = 0
    for d in distinctions:
        prompt = d["prompt"] if d["prompt"].strip() else NEUTRAL_DISTINCTION_PROMPT
        if not policy.log_likelihood(prompt, d["correct"]) > policy.log_likelihood(prompt, d["incorrect"]):
            failures += 1
    t = topic_score([r["score"] for r in rows], tc["passThreshold"], failures)
    summary = {"source": "quiz" if quiz else "seen-questions", "score": t["score"], "threshold": tc["passThreshold"], "passed": t["passed"],
               "distinctionFailures": failures, "similarity": ctx["similarity_used"]["name"], "questions": len(rows)}
    return t["score"], t["passed"], summary


def take_exam(ctx, state, exam):
    if "eval" not in ctx["phases"]:
        return
    stack = ctx["stack"]
    policy = Policy(stack, stack.load("causal"), ctx["plan"]["pipeline"]["evaluation"]["max_new_tokens"])
    # As the studio's exams: open answers are checked against every distinction of the curriculum.
    guards = [d for t in ctx["plan"]["topics"] for d in topic_files(ctx["bundle"], t["id"])["distinctions"]] + ctx["global_distinctions"]
    rows = evaluate_questions(policy, exam["questions"], ctx["plan"]["voiceMarkers"], guards, ctx["similarity"], ctx["plan"]["pipeline"]["evaluation"]["weights"])
    s = summarise_exam(exam["level"], rows)
    state["exams"].append({"level": exam["level"], "scopeId": exam["scope"], "title": exam["title"], "accuracy": s["accuracy"], "meanVoice": s["meanVoice"],
                           "passed": s["passed"], "bars": s["bars"], "questions": len(rows)})
    ctx["say"](f"exam {exam['title']}: accuracy {s['accuracy']:.3f}, {'passed' if s['passed'] else 'failed'}")


# ---------------------------------------------------------------------------------------------
# Unit merges: exact, as src/training/merge.ts (A stacks sqrt(s_i) A_i, B stacks sqrt(s_i) B_i, r = sum).


def merge_unit(ctx, state, unit):
    from safetensors.torch import load_file, save_file

    pipeline, files = ctx["plan"]["pipeline"], ctx["files"]
    keys = state["unitParts"].get(unit, [])
    if not pipeline["merge"]["after_unit"] or not keys:
        return
    parts = ([state["merged"][-1]["key"]] if state["merged"] else []) + keys
    loaded = []
    for key in parts:
        cfg = read_json(files.path(*key.split("/"), "adapter_config.json"))
        scale = cfg["lora_alpha"] / (math.sqrt(cfg["r"]) if cfg.get("use_rslora") else cfg["r"])
        loaded.append((cfg, scale, load_file(files.path(*key.split("/"), "adapter_model.safetensors"))))
    total_r = sum(c["r"] for c, _, _ in loaded)
    names = sorted({n[: -len(".lora_A.weight")] for _, _, w in loaded for n in w if n.endswith(".lora_A.weight")})
    torch, out = ctx["stack"].torch, {}
    for name in names:
        shape = next((w[name + ".lora_A.weight"].shape[1], w[name + ".lora_B.weight"].shape[0]) for _, _, w in loaded if name + ".lora_A.weight" in w)
        a, b, off = torch.zeros(total_r, shape[0]), torch.zeros(shape[1], total_r), 0
        for cfg, scale, w in loaded:
            if name + ".lora_A.weight" in w:
                h = math.sqrt(scale)
                a[off:off + cfg["r"]] = h * w[name + ".lora_A.weight"].float()
                b[:, off:off + cfg["r"]] = h * w[name + ".lora_B.weight"].float()
            off += cfg["r"]
        out[name + ".lora_A.weight"], out[name + ".lora_B.weight"] = a.contiguous(), b.contiguous()
    key = f"merged_adapters/{unit}_merged"
    config = dict(loaded[0][0], r=total_r, lora_alpha=total_r, use_rslora=False, task_type="CAUSAL_LM", modules_to_save=None,
                  target_modules=sorted({t for c, _, _ in loaded for t in c["target_modules"]}))
    if files.main:
        os.makedirs(files.path(*key.split("/")), exist_ok=True)
        save_file(out, files.path(*key.split("/"), "adapter_model.safetensors"), metadata={"format": "pt"})
        files.write_json(key + "/adapter_config.json", config)
        files.write_json(key + "/metrics.json", {"unit": unit, "parts": parts, "rank": total_r, "relativeError": None})
    state["merged"].append({"unit": unit, "key": key, "rank": total_r, "relativeError": None})
    ctx["say"](f"unit {unit}: merged {len(parts)} adapter(s) exactly, rank {total_r}")
`;
