// train.py's curriculum loop (attempts, retries, folds, resume) and its command line.
// Python source kept as text (String.raw: no backticks or dollar-brace in it); train-py.ts joins the parts.
export const PY_LOOP = String.raw`

# ---------------------------------------------------------------------------------------------
# The curriculum loop: topics with their attempts, exams, merges; the state saved after every phase.


def topic_record(state, tc):
    rec = next((t for t in state["topics"] if t["id"] == tc["id"]), None)
    if rec is None:
        rec = {"id": tc["id"], "unit": tc["id"].split("/")[0], "trainable": tc["trainable"], "untrainableReason": tc.get("untrainableReason"),
               "threshold": tc["passThreshold"], "attempts": [], "phasesRun": [], "score": None, "passed": False, "finalAdapter": None,
               "truncatedExamples": 0, "identicalPairs": 0, "warnings": [], "merged": False}
        state["topics"].append(rec)
    return rec


def load_policy(ctx, key):
    """The policy evaluation asks: the base with the folded adapters, and the topic's adapter on top."""
    from peft import PeftModel

    stack = ctx["stack"]
    model = PeftModel.from_pretrained(stack.load("causal"), ctx["files"].path(*key.split("/")))
    return Policy(stack, model, ctx["plan"]["pipeline"]["evaluation"]["max_new_tokens"])


def run_attempt(ctx, save, rec, ar, tc, files, data):
    """One attempt's phases in order, skipping those the saved state says are done; returns the policy's key."""
    pipeline, phases = ctx["plan"]["pipeline"], ctx["phases"]
    done = ctx["state"]["attemptPhase"]["done"]
    policy = ar["adapters"].get("sft")

    def record(phase, out):
        key, metrics, notes, warnings = out
        if key:
            ar["adapters"][phase] = key
        ar["notes"] += notes
        ar["warnings"] += warnings
        rec["warnings"] = ar["warnings"]
        for lst in (ar["phases"], rec["phasesRun"]):
            if phase not in lst:
                lst.append(phase)
        done.append(phase)
        save()
        return metrics

    if "sft" in phases and "sft" not in done:
        record("sft", phase_sft(ctx, tc, ar, data))
    policy = ar["adapters"].get("sft")
    if ctx["plan"]["alignment"] == "ppo" and policy:
        problem = None
        if len(data["pairs"]) < 2:
            problem = f"reward model and PPO skipped: {len(data['pairs'])} usable preference pair(s), at least 2 needed"
        elif not data["prompts"]:
            problem = f"PPO skipped: no prompt leaves room for {pipeline['ppo']['max_new_tokens']} new tokens within {ctx['stack'].max_len}"
        if problem:
            if problem not in ar["notes"]:
                ar["notes"].append(problem)
        else:
            if "reward" in phases and "reward" not in done:
                ar["rewardLearned"] = record("reward", phase_reward(ctx, tc, ar, data))["rewardLearned"]
            blocked = ar.get("rewardLearned") is False and pipeline["reward"]["if_not_learned"] == "skip_ppo"
            note = "PPO skipped: the reward model did not learn, so its scores are noise (reward.if_not_learned: skip_ppo)"
            if blocked and note not in ar["notes"]:
                ar["notes"].append(note)
            if not blocked and "ppo" in phases and "ppo" not in done and ar["adapters"].get("reward"):
                record("ppo", phase_ppo(ctx, tc, ar, data, policy, ar["adapters"]["reward"]))
        policy = ar["adapters"].get("ppo", policy)
    elif ctx["plan"]["alignment"] == "dpo" and policy and "dpo" in phases and "dpo" not in done:
        if data["pairs"]:
            record("dpo", phase_dpo(ctx, tc, ar, data, policy))
        else:
            ar["notes"].append("DPO skipped: no preference pairs")
    if ctx["plan"]["alignment"] == "dpo":
        policy = ar["adapters"].get("dpo", policy)
    if policy and "eval" in phases and "eval" not in done:
        distinctions = files["distinctions"] + ctx["global_distinctions"]
        score, passed, summary = evaluate_topic(ctx, load_policy(ctx, policy), tc, files, distinctions)
        ar["score"], ar["passed"], ar["evaluation"] = score, passed, summary
        ctx["files"].metric({"topicId": tc["id"], "attempt": ar["attempt"], "phase": "eval", "score": score, "threshold": tc["passThreshold"], "passed": passed})
        ctx["say"](f"{tc['id']} eval: score {score:.3f} (threshold {tc['passThreshold']}), {'passed' if passed else 'failed'}")
        record("eval", (None, summary, [], []))
    return policy


def run_topic(ctx, save, tc):
    state = ctx["state"]
    rec = topic_record(state, tc)
    if not tc["trainable"]:
        ctx["say"](f"{tc['id']}: skipped, not trainable ({tc.get('untrainableReason')})")
        return
    files = topic_files(ctx["bundle"], tc["id"])
    data = topic_data(ctx["stack"], files, ctx["plan"]["pipeline"]["ppo"]["max_new_tokens"])
    rec["truncatedExamples"], rec["identicalPairs"] = data["truncated"], data["identical"]
    if not data["examples"]:
        rec["untrainableReason"] = "no supervised examples"
        return
    retries, evaluated = ctx["retries"], "eval" in ctx["phases"]
    start = rec["attempts"][-1]["attempt"] if rec["attempts"] else 0
    for attempt in range(start, retries + 1):
        ar = next((a for a in rec["attempts"] if a["attempt"] == attempt), None)
        in_progress = (state["attemptPhase"] or {}).get("topicId") == tc["id"]
        if ar and not in_progress:
            if ar["passed"]:
                break
            if ar["score"] is not None or not evaluated:
                continue
        seed = seed_for(state["seed"], tc["id"], attempt)
        if ar is None:
            ar = new_attempt(attempt, seed, tc["sftEpochs"], data["prompts_cut"], data["identical"], ctx["stack"].max_len)
            rec["attempts"].append(ar)
        if state["attemptPhase"] is None:
            state["attemptPhase"] = {"topicId": tc["id"], "attempt": attempt, "done": []}
        final = run_attempt(ctx, save, rec, ar, tc, files, data)
        passed = ar["passed"] if evaluated else True
        rec["score"], rec["passed"], rec["finalAdapter"] = ar["score"], passed and evaluated, final
        state["attemptPhase"] = None
        prev = next((a["score"] for a in rec["attempts"] if a["attempt"] == attempt - 1), None)
        finish, note = retry_decision(passed, evaluated, attempt, retries, ar["score"], prev)
        if note:
            ar["notes"].append(note)
        if finish:
            if folds_into_base(final, rec["passed"], ctx["plan"]["pipeline"]["merge"]["merge_failed"], evaluated):
                state["folded"].append(final)
                ctx["stack"].folded.append(ctx["files"].path(*final.split("/")))
                state["unitParts"].setdefault(rec["unit"], []).append(final)
                rec["merged"] = True
            break
        ar["notes"].append(f"attempt {attempt} failed (score {ar['score']:.3f} < {tc['passThreshold']}); retry {attempt + 1} of {retries} "
                           "with one more SFT epoch and a new seed")
        save()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run the Mindprint curriculum recipe with TRL + PEFT.")
    ap.add_argument("--bundle", default=HERE, help="the bundle folder (default: this script's)")
    ap.add_argument("--out", default=None, help="output folder (default: BUNDLE/output)")
    ap.add_argument("--model", default=None, help="base model id or folder (default: plan.json's)")
    ap.add_argument("--topics", default="", help="comma-separated topic ids (curriculum order kept)")
    ap.add_argument("--max-steps", type=int, default=None, help="cap every phase's optimizer steps (smoke runs)")
    ap.add_argument("--device", choices=["cpu", "cuda", "mps"], default=None)
    ap.add_argument("--retries", type=int, default=None, help="extra attempts for a failed topic (default: plan.json's)")
    ap.add_argument("--embedder", default=None, help="sentence-transformers model for the semantic similarity")
    args = ap.parse_args(argv)
    if args.max_steps is not None and args.max_steps < 1:
        ap.error(f"--max-steps: expected a whole number >= 1, got {args.max_steps}")
    plan = load_plan(args.bundle)
    import torch

    device = args.device or ("cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu")
    model_id = args.model or plan["model"]
    stack = Stack(model_id, device, plan["pipeline"]["max_seq_length"])
    files = RunFiles(args.out or os.path.join(args.bundle, "output"), stack.state.is_main_process)
    phases = plan["phases"]
    state = files.read_state()
    if state and (state["seed"] != plan["seed"] or state["modelName"] != model_id or state["alignment"] != plan["alignment"]):
        sys.exit(f"{files.path('run', 'state.json')}: the saved run used seed {state['seed']}, model {state['modelName']}, "
                 f"alignment {state['alignment']}; delete the output folder to start again")
    state = state or new_state(plan, plan["seed"], model_id)
    stack.folded = [files.path(*k.split("/")) for k in state["folded"]]
    similarity, used = similarity_fn(args.embedder)
    exams = read_json(os.path.join(args.bundle, "data", "exams.json"))

    def say(line):
        if stack.state.is_main_process:
            print(line, flush=True)

    ctx = {"plan": plan, "bundle": args.bundle, "stack": stack, "files": files, "state": state, "phases": phases, "device": device,
           "max_steps": args.max_steps, "retries": plan["pipeline"]["retries"] if args.retries is None else args.retries, "say": say,
           "similarity": similarity, "similarity_used": used, "global_distinctions": read_jsonl(os.path.join(args.bundle, "data", "global_distinctions.jsonl"))}

    def save():
        files.write_json("run/state.json", state)
        stack.state.wait_for_everyone()

    steps = select_steps(plan, [t for t in args.topics.split(",") if t])
    by_id = {t["id"]: t for t in plan["topics"]}
    if plan["pipeline"]["merge"].get("compress_rank"):
        say("note: merge.compress_rank is not applied here; units merge exactly (rank = sum of the parts)")
    while state["cursor"] < len(steps):
        step = steps[state["cursor"]]
        if step["kind"] == "topic":
            run_topic(ctx, save, by_id[step["topic"]])
        elif step["kind"] == "exam":
            take_exam(ctx, state, exams[step["exam"]])
        else:
            merge_unit(ctx, state, step["unit"])
        state["attemptPhase"] = None
        state["cursor"] += 1
        save()
    state["finished"] = True
    save()
    files.write_json("run.json", run_json(state, used, plan.get("markers")))
    files.write_json("plan.json", plan)
    rate = pass_rate(state["topics"])
    say(f"pass rate: {rate['passed']} of {rate['trained']} topics" + (f" ({rate['rate'] * 100:.1f}%)" if rate["rate"] is not None else ""))
    say(f"run.json and adapters in {files.out}; bring them back with: mindprint import-run {files.out}")


if __name__ == "__main__":
    main()
`;
