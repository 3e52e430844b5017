// train.py's bundle reading (plan.json, per-topic data, --topics) and the run's output files and state.
// Python source kept as text (String.raw: no backticks or dollar-brace in it); train-py.ts joins the parts.
export const PY_DATA = String.raw`

# ---------------------------------------------------------------------------------------------
# The bundle's data and the run's state (files only; nothing here needs torch).


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{n}: not valid JSON ({e})")
    return rows


def load_plan(bundle_dir):
    path = os.path.join(bundle_dir, "plan.json")
    if not os.path.exists(path):
        sys.exit(f"{path}: missing (run train.py from the bundle that mindprint export-bundle wrote)")
    plan = read_json(path)
    if plan.get("format") != "mindprint-trl-plan" or plan.get("version") != 1:
        sys.exit(f"{path}: format {plan.get('format')!r} version {plan.get('version')!r}; this script reads mindprint-trl-plan 1")
    return plan


def topic_files(bundle_dir, topic_id):
    d = os.path.join(bundle_dir, "data", "topics", *topic_id.split("/"))
    quiz_path = os.path.join(d, "quiz.json")
    return {
        "sft": [(r["messages"][0]["content"], r["messages"][1]["content"]) for r in read_jsonl(os.path.join(d, "sft.jsonl"))],
        "pairs": [
            (r["prompt"][0]["content"], r["chosen"][0]["content"], r["rejected"][0]["content"])
            for r in read_jsonl(os.path.join(d, "preference.jsonl"))
        ],
        "distinctions": read_jsonl(os.path.join(d, "distinctions.jsonl")),
        "quiz": read_json(quiz_path) if os.path.exists(quiz_path) else None,
    }


def select_steps(plan, topics_filter):
    """The plan's steps; with --topics, only those topics (curriculum order kept) and no final assessment."""
    steps = plan["steps"]
    if not topics_filter:
        return steps
    known = [t["id"] for t in plan["topics"]]
    unknown = [t for t in topics_filter if t not in known]
    if unknown:
        sys.exit(f"--topics: unknown topic(s): {', '.join(unknown)} (known: {', '.join(known)})")
    chosen = [s for s in steps if s["kind"] == "topic" and s["topic"] in topics_filter]
    out = []
    for i, s in enumerate(chosen):
        out.append(s)
        nxt = chosen[i + 1]["topic"] if i + 1 < len(chosen) else None
        unit, parts = s["topic"].split("/")[0], s["topic"].split("/")
        chapter = "/".join(parts[:2]) if len(parts) >= 2 else None
        next_parts = nxt.split("/") if nxt else []
        if chapter and (nxt is None or "/".join(next_parts[:2]) != chapter or len(next_parts) < 2):
            out += [e for e in steps if e["kind"] == "exam" and e["level"] == "chapter" and e["scope"] == chapter]
        if nxt is None or next_parts[0] != unit:
            out += [e for e in steps if e["kind"] == "exam" and e["level"] == "unit" and e["scope"] == unit]
            out.append({"kind": "merge", "unit": unit})
    return out


class RunFiles:
    """The output folder in the studio's layout; only the main process writes."""

    def __init__(self, out, main_process=True):
        self.out = out
        self.main = main_process
        os.makedirs(os.path.join(out, "run"), exist_ok=True)

    def path(self, *parts):
        return os.path.join(self.out, *parts)

    def write_json(self, rel, obj):
        if not self.main:
            return
        p = self.path(*rel.split("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        tmp = p + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")
        os.replace(tmp, p)

    def metric(self, record):
        if self.main:
            with open(self.path("metrics.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")

    def read_state(self):
        p = self.path("run", "state.json")
        return read_json(p) if os.path.exists(p) else None


def new_state(plan, seed, model):
    return {
        "version": RUN_STATE_VERSION,
        "seed": seed,
        "modelName": model,
        "alignment": plan["alignment"],
        "phases": plan["phases"],
        "cursor": 0,
        "attemptPhase": None,
        "topics": [],
        "exams": [],
        "folded": [],
        "unitParts": {},
        "merged": [],
        "finished": False,
    }


def adapter_key(topic_id, phase):
    return f"adapters/{topic_id}/{phase}_adapter"


def new_attempt(attempt, seed, sft_epochs, prompts_cut, identical_pairs, max_len):
    notes = []
    if prompts_cut:
        notes.append(f"{prompts_cut} prompt(s) cut from the left to leave their answers room within {max_len} tokens")
    if identical_pairs:
        notes.append(f"{identical_pairs} pair(s) identical after truncation at {max_len} tokens: raise max_seq_length")
    return {"attempt": attempt, "seed": seed, "sftEpochs": sft_epochs + attempt, "phases": [], "adapters": {}, "score": None,
            "passed": False, "notes": notes, "warnings": []}
`;
