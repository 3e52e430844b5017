// train.py's model stack (tokenizer, folded base, padding) and what every TRL phase shares (arguments, optimizer with our schedule, adapter saving).
// Python source kept as text (String.raw: no backticks or dollar-brace in it); train-py.ts joins the parts.
export const PY_STACK = String.raw`

# ---------------------------------------------------------------------------------------------
# The model stack (torch, transformers, peft, trl are imported here, not at the top).


class Stack:
    """The base model id, tokenizer, device and the adapters folded into the base so far."""

    def __init__(self, model_id, device, max_seq_length):
        import torch
        from accelerate import PartialState
        from transformers import AutoConfig, AutoTokenizer

        self.torch = torch
        self.state = PartialState()
        self.model_id = model_id
        # One process per GPU under accelerate: each loads its models on its own device.
        self.device = str(self.state.device) if device == "cuda" else device
        self.tok = AutoTokenizer.from_pretrained(model_id)
        self.config = AutoConfig.from_pretrained(model_id)
        text_cfg = getattr(self.config, "text_config", None) or self.config
        self.max_positions = getattr(text_cfg, "max_position_embeddings", max_seq_length)
        self.max_len = min(max_seq_length, self.max_positions)
        eos = self.tok.eos_token_id
        gen_eos = getattr(self.config, "eos_token_id", None)
        ends = [e for e in ([eos] + (gen_eos if isinstance(gen_eos, list) else [gen_eos])) if e is not None]
        self.end_ids = list(dict.fromkeys(ends))
        self.bos_id = self.tok.bos_token_id
        # The reward model reads the last non-padding token, which must be the end-of-turn token: pad with
        # a token that is never an end token (the studio's head was trained to read that token).
        # Nor BOS: TRL's PPO masks every pad id in the prompts. Else unk, else the highest real token id.
        pad = self.tok.pad_token_id
        if pad is None or pad in self.end_ids or pad == self.bos_id:
            taken = set(self.end_ids) | {self.bos_id}
            candidates = [self.tok.unk_token_id, *range(len(self.tok) - 1, -1, -1)]
            pad = next(t for t in candidates if t is not None and t not in taken and self.tok.convert_ids_to_tokens(t) is not None)
            self.tok.pad_token = self.tok.convert_ids_to_tokens(pad)
        self.pad_id = self.tok.pad_token_id
        use_bf16 = device == "cuda" and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        self.dtype = torch.bfloat16 if use_bf16 else torch.float32
        self.bf16 = use_bf16
        self.folded = []  # adapter folders merged into the base, in order (the studio's folds)

    def chat(self, prompt, answer=None):
        msgs = [{"role": "user", "content": prompt}]
        if answer is None:
            return self.tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        return self.tok.apply_chat_template(msgs + [{"role": "assistant", "content": answer}], tokenize=False)

    def example(self, prompt, answer, keep_end=False, max_len=None):
        """Prompt and answer tokenised with the chat template and cut as the studio cuts them."""
        prompt_text, full = self.chat(prompt), self.chat(prompt, answer)
        if not full.startswith(prompt_text):
            raise ValueError("chat template: the conversation does not start with the rendered prompt")
        p = self.tok(prompt_text, add_special_tokens=False)["input_ids"]
        c = self.tok(full[len(prompt_text):], add_special_tokens=False)["input_ids"]
        return build_example(p, c, max_len or self.max_len, self.bos_id, self.end_ids, keep_end)

    def load(self, kind="causal"):
        """The base with every folded adapter merged in: a causal LM or a one-label sequence classifier."""
        from peft import PeftModel
        from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

        if kind == "causal":
            model = AutoModelForCausalLM.from_pretrained(self.model_id, dtype=self.dtype)
        else:
            model = AutoModelForSequenceClassification.from_pretrained(self.model_id, num_labels=1, dtype=self.dtype)
            model.config.pad_token_id = self.pad_id
        for folder in self.folded:
            model = PeftModel.from_pretrained(model, folder).merge_and_unload()
        return model.to(self.device)


def topic_data(stack, files, ppo_new_tokens):
    """A topic's data tokenised once, as src/training/phases/topic-data.ts does."""
    examples = [stack.example(q, a) for q, a in files["sft"]]
    pairs, identical = [], 0
    for prompt, chosen, rejected in files["pairs"]:
        c = stack.example(prompt, chosen, keep_end=True)
        r = stack.example(prompt, rejected, keep_end=True)
        if c["ids"] == r["ids"]:
            identical += 1
        else:
            pairs.append({"prompt": prompt, "chosen": chosen, "rejected": rejected, "chosen_ids": c["ids"], "rejected_ids": r["ids"]})
    room = stack.max_len - ppo_new_tokens - 1
    prompts = []
    if room >= 4:
        for q, _ in files["sft"]:
            ids = stack.tok(stack.chat(q), add_special_tokens=False)["input_ids"]
            if len(ids) > room:
                keep = 1 if stack.bos_id is not None and ids[0] == stack.bos_id else 0
                ids = ids[:keep] + ids[len(ids) - (room - keep):]
            prompts.append(ids)
    return {
        "examples": examples,
        "truncated": sum(1 for e in examples if e["truncated"]),
        "prompts_cut": sum(1 for e in examples if e["prompt_truncated"]),
        "pairs": pairs,
        "identical": identical,
        "prompts": prompts,
    }


def training_args(cls, stack, out_dir, total_steps, batch, lr, max_grad_norm, seed, logging_steps=1, **extra):
    """The TrainingArguments every phase shares: steps as the studio counts them, our own LR schedule."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return cls(
        output_dir=out_dir,
        max_steps=total_steps,
        per_device_train_batch_size=max(1, batch // world),
        gradient_accumulation_steps=1,
        learning_rate=lr,
        max_grad_norm=max_grad_norm,
        seed=seed,
        logging_steps=logging_steps,
        save_strategy="steps",
        save_steps=50,
        save_total_limit=1,
        report_to=[],
        use_cpu=stack.device == "cpu",
        bf16=stack.bf16,
        remove_unused_columns=False,
        **extra,
    )


def optimizer_with_schedule(groups, total, factor, weight_decay=0.0):
    """AdamW over parameter groups [(params, lr)], every group's LR times factor(step)."""
    import torch

    opt = torch.optim.AdamW([{"params": p, "lr": lr} for p, lr in groups], betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: factor(step, total))
    return opt, sched


def last_checkpoint(folder):
    if not os.path.isdir(folder):
        return None
    done = [d for d in os.listdir(folder) if re.fullmatch(r"checkpoint-\d+", d)]
    return os.path.join(folder, max(done, key=lambda d: int(d.split("-")[1]))) if done else None


def save_adapter(files, model, adapter_name, key, metrics):
    """A PEFT folder at key (adapter_config.json + adapter_model.safetensors) with metrics.json beside it."""
    dest = files.path(*key.split("/"))
    if files.main:
        tmp = dest + ".saving"
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp, selected_adapters=[adapter_name])
        src = tmp if adapter_name == "default" else os.path.join(tmp, adapter_name)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.move(src, dest)
        shutil.rmtree(tmp, ignore_errors=True)
        files.write_json(key + "/metrics.json", metrics)
    return key


def log_lines(files, record):
    """A trainer callback that keeps each logged step (callback.logs) and appends it to metrics.jsonl."""
    from transformers import TrainerCallback

    class _LogLines(TrainerCallback):
        def __init__(self):
            self.logs = []

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs:
                self.logs.append(dict(logs, step=state.global_step))
                files.metric({**record, "step": state.global_step, **logs})

    return _LogLines()
`;
