// train.py's phases on TRL: SFT, reward model (early stopping), PPO (adaptive KL), DPO.
// Python source kept as text (String.raw: no backticks or dollar-brace in it); train-py.ts joins the parts.
export const PY_PHASES = String.raw`

# ---------------------------------------------------------------------------------------------
# The phases. Each returns (adapter key or None, metrics, notes, warnings) like the studio's phases.


def lora_config(plan, task, dropout=None):
    from peft import LoraConfig

    lo = plan["pipeline"]["lora"]
    return LoraConfig(
        r=lo["r"],
        lora_alpha=lo["alpha"],
        lora_dropout=lo["dropout"] if dropout is None else dropout,
        target_modules=lo["target_modules"],
        use_rslora=lo["use_rslora"],
        bias="none",
        task_type=task,
    )


def cap(n, max_steps):
    return min(n, max_steps) if max_steps else n


def phase_sft(ctx, tc, ar, data):
    """SFT: a fresh LoRA, loss on the answer tokens only (completion_mask), cosine LR read one step ahead."""
    from datasets import Dataset
    from peft import get_peft_model
    from trl import SFTConfig, SFTTrainer

    cfg, stack = ctx["plan"]["pipeline"]["sft"], ctx["stack"]
    rows = [{"input_ids": e["ids"], "completion_mask": [0] * e["prompt_len"] + [1] * (len(e["ids"]) - e["prompt_len"])} for e in data["examples"]]
    steps_per_epoch = math.ceil(len(rows) / tc["batchSize"])
    total = cap(ar["sftEpochs"] * steps_per_epoch, ctx["max_steps"])
    model = get_peft_model(stack.load("causal"), lora_config(ctx["plan"], "CAUSAL_LM"))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = optimizer_with_schedule([(params, tc["learningRate"])], total, lambda s, t: sft_lr_factor(s, t, cfg["warmup_ratio"]), cfg["weight_decay"])
    work = ctx["files"].path("run", "trainer", "sft")
    args = training_args(SFTConfig, stack, work, total, tc["batchSize"], tc["learningRate"], cfg["max_grad_norm"], ar["seed"],
                         completion_only_loss=True, max_length=stack.max_len, packing=False)
    log = log_lines(ctx["files"], {"topicId": tc["id"], "attempt": ar["attempt"], "phase": "sft"})
    trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=stack.tok, optimizers=opt, callbacks=[log])
    trainer.train(resume_from_checkpoint=last_checkpoint(work))
    losses = [r["loss"] for r in log.logs if "loss" in r]
    metrics = {"phase": "sft", "steps": total, "finalLoss": losses[-1] if losses else None, "truncatedExamples": data["truncated"]}
    warnings = []
    if total >= 4 and len(losses) >= 2 and not losses[-1] < losses[0]:
        warnings.append(f"SFT: the loss did not fall ({losses[0]:.4f} -> {losses[-1]:.4f} over {total} steps)")
    key = save_adapter(ctx["files"], model, "default", adapter_key(tc["id"], "sft"), metrics)
    shutil.rmtree(work, ignore_errors=True)
    ctx["say"](f"{tc['id']} sft: {total} steps, loss {metrics['finalLoss']}")
    return key, metrics, [], warnings


def early_stopping(patience, min_delta):
    """The studio's early stopping: an epoch improves when it beats the best validation loss by more than
    min_delta; training stops after "patience" epochs without one. The last model is kept."""
    from transformers import TrainerCallback

    class _Stop(TrainerCallback):
        def __init__(self):
            self.best, self.bad, self.epochs = None, 0, []

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            loss, acc = metrics.get("eval_loss"), metrics.get("eval_accuracy")
            improved = loss is not None and math.isfinite(loss) and (self.best is None or self.best - loss > min_delta)
            self.best, self.bad = (loss, 0) if improved else (self.best, self.bad + 1)
            self.epochs.append({"epoch": len(self.epochs), "valLoss": loss, "valAccuracy": acc, "improved": improved, "stop": self.bad >= patience})
            if self.bad >= patience:
                control.should_training_stop = True

    return _Stop()


def phase_reward(ctx, tc, ar, data):
    """Reward model: LoRA + score head (its own LR), Bradley-Terry, the studio's seeded 80/20 split."""
    from datasets import Dataset
    from peft import get_peft_model
    from trl import RewardConfig, RewardTrainer

    cfg, stack = ctx["plan"]["pipeline"]["reward"], ctx["stack"]
    seed = seed_for(ar["seed"], "reward")
    split = split_pairs(len(data["pairs"]), cfg["validation_split"], seed)
    rows = lambda idx: Dataset.from_list([{"chosen_ids": data["pairs"][i]["chosen_ids"], "rejected_ids": data["pairs"][i]["rejected_ids"]} for i in idx])
    b = min(tc["rewardBatchSize"], len(split["train"]))
    spe = math.ceil(len(split["train"]) / b)
    epochs = max(tc["rewardEpochs"], math.ceil(cfg["min_steps"] / spe))
    total = max(1, cap(epochs * spe, ctx["max_steps"]))
    lc = lora_config(ctx["plan"], "SEQ_CLS", dropout=0.0)
    lc.modules_to_save = ["score"]
    model = get_peft_model(stack.load("seqcls"), lc)
    head = [p for n, p in model.named_parameters() if p.requires_grad and "score" in n]
    lora = [p for n, p in model.named_parameters() if p.requires_grad and "score" not in n]
    opt = optimizer_with_schedule([(lora, tc["rewardLearningRate"]), (head, cfg["head_learning_rate"])], total,
                                  lambda s, t: lr_factor(cfg["scheduler"], s, t, cfg["warmup_ratio"]))
    work = ctx["files"].path("run", "trainer", "reward")
    args = training_args(RewardConfig, stack, work, total, b, tc["rewardLearningRate"], cfg["max_grad_norm"], seed,
                         logging_steps=cfg["log_every"], eval_strategy="epoch", max_length=stack.max_len, disable_dropout=True)
    stop = early_stopping(cfg["patience"], cfg["min_delta"])
    log = log_lines(ctx["files"], {"topicId": tc["id"], "attempt": ar["attempt"], "phase": "reward"})
    trainer = RewardTrainer(model=model, args=args, train_dataset=rows(split["train"]), eval_dataset=rows(split["val"]),
                            processing_class=stack.tok, optimizers=opt, callbacks=[stop, log])
    trainer.train(resume_from_checkpoint=last_checkpoint(work))
    last = stop.epochs[-1] if stop.epochs else {}
    learned = judge_reward(stop.best, last.get("valAccuracy"))
    metrics = {"phase": "reward", "history": stop.epochs, "bestValLoss": stop.best, "valAccuracy": last.get("valAccuracy"),
               "trainSize": len(split["train"]), "valSize": 0 if split["validated_on_train"] else len(split["val"]), "steps": trainer.state.global_step}
    warnings = [] if learned else [
        f"reward model did not learn: validation accuracy {last.get('valAccuracy')}, best validation loss {stop.best} (chance: {math.log(2):.4f})"
    ]
    key = save_adapter(ctx["files"], model, "default", adapter_key(tc["id"], "reward"), metrics)
    shutil.rmtree(work, ignore_errors=True)
    ctx["say"](f"{tc['id']} reward: {metrics['steps']} steps, val loss {stop.best}, val accuracy {last.get('valAccuracy')}")
    return key, dict(metrics, rewardLearned=learned), [], warnings


class KlRunaway(Exception):
    """Raised by the KL callback to end PPO: TRL's PPO loop does not read control.should_training_stop."""


def adaptive_kl(ppo_cfg, response_length):
    """The studio's adaptive KL controller on TRL's PPO: kl_coef moves toward kl_target after every step,
    and a KL runaway (kl_stop x kl_target on kl_stop_patience steps) stops the phase."""
    from transformers import TrainerCallback

    class _Kl(TrainerCallback):
        def __init__(self):
            self.runaway, self.reason = 0, None

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not logs or "objective/kl" not in logs:
                return
            kl = logs["objective/kl"] / response_length  # TRL sums KL over the response; the target is per token
            if ppo_cfg["adaptive_kl"]:
                err = min(0.2, max(-0.2, kl / ppo_cfg["kl_target"] - 1))
                args.kl_coef = args.kl_coef * (1 + err * ppo_cfg["batch_size"] / ppo_cfg["kl_horizon"])
            stop_at = ppo_cfg["kl_stop"] * ppo_cfg["kl_target"]
            self.runaway = self.runaway + 1 if ppo_cfg["kl_stop"] > 0 and kl > stop_at else 0
            if self.runaway >= ppo_cfg["kl_stop_patience"]:
                self.reason = f"KL runaway at step {state.global_step}: mean KL {kl:.3g} nats/token exceeded {stop_at:.3g}"
                raise KlRunaway(self.reason)

    return _Kl()


def phase_ppo(ctx, tc, ar, data, sft_key, reward_key):
    """PPO: policy and frozen reference both start from the SFT adapter; rewards from the topic's reward model."""
    from datasets import Dataset
    from peft import PeftModel
    from trl.experimental.ppo import PPOConfig, PPOTrainer

    p, stack, files = ctx["plan"]["pipeline"]["ppo"], ctx["stack"], ctx["files"]
    steps = cap(tc["ppoSteps"], ctx["max_steps"])
    sft_dir, rm_dir = files.path(*sft_key.split("/")), files.path(*reward_key.split("/"))
    policy = PeftModel.from_pretrained(stack.load("causal"), sft_dir, adapter_name="policy", is_trainable=True)
    policy.load_adapter(sft_dir, adapter_name="reference", is_trainable=False)
    policy.set_adapter("policy")
    reward = PeftModel.from_pretrained(stack.load("seqcls"), rm_dir).merge_and_unload().eval()
    value = stack.load("seqcls")
    for n, w in value.named_parameters():
        w.requires_grad = "score" in n  # the value head alone trains (the studio's reads the policy's trunk)
    work = files.path("run", "trainer", "ppo")
    args = PPOConfig(output_dir=work, per_device_train_batch_size=p["batch_size"], gradient_accumulation_steps=1, num_mini_batches=1,
                     total_episodes=steps * p["batch_size"], num_ppo_epochs=p["ppo_epochs"], learning_rate=tc["ppoLearningRate"],
                     lr_scheduler_type="constant", kl_coef=p["kl_coef"], cliprange=p["clip_range"], cliprange_value=p["clip_range"],
                     vf_coef=p["vf_coef"], gamma=p["gamma"], lam=p["lam"], response_length=p["max_new_tokens"], temperature=p["temperature"],
                     stop_token="eos", max_grad_norm=p["max_grad_norm"], model_adapter_name="policy", ref_adapter_name="reference",
                     num_sample_generations=0, seed=seed_for(ar["seed"], "ppo"), report_to=[], use_cpu=stack.device == "cpu",
                     bf16=stack.bf16, save_strategy="no")
    kl = adaptive_kl(p, p["max_new_tokens"])
    log = log_lines(files, {"topicId": tc["id"], "attempt": ar["attempt"], "phase": "ppo"})
    # TRL drops a last partial batch: prompts repeat (as the studio cycles them) to fill at least one.
    prompts = data["prompts"] * math.ceil(p["batch_size"] / len(data["prompts"]))
    dataset = Dataset.from_list([{"input_ids": ids} for ids in prompts])
    trainer = PPOTrainer(args=args, processing_class=stack.tok, model=policy, ref_model=None, reward_model=reward,
                         train_dataset=dataset, eval_dataset=dataset, value_model=value, callbacks=[kl, log])
    try:
        trainer.train()
    except KlRunaway:
        pass  # the adapter as it stands is kept, as the studio keeps it
    metrics = {"phase": "ppo", "steps": len(log.logs), "stoppedReason": kl.reason, "finalKlCoef": args.kl_coef}
    key = save_adapter(files, policy, "policy", adapter_key(tc["id"], "ppo"), metrics)
    shutil.rmtree(work, ignore_errors=True)
    last = log.logs[-1] if log.logs else {}
    ctx["say"](f"{tc['id']} ppo: {len(log.logs)} steps, score {last.get('objective/scores')}, kl {last.get('objective/kl')}")
    return key, metrics, [f"PPO stopped: {kl.reason}"] if kl.reason else [], []


def phase_dpo(ctx, tc, ar, data, sft_key):
    """DPO: TRL copies the SFT adapter as the frozen reference ("ref") and trains the other copy."""
    from datasets import Dataset
    from peft import PeftModel
    from trl import DPOConfig, DPOTrainer

    d, stack, files = ctx["plan"]["pipeline"]["dpo"], ctx["stack"], ctx["files"]
    pairs = data["pairs"]
    total = cap(d["epochs"] * math.ceil(len(pairs) / d["batch_size"]), ctx["max_steps"])
    policy = PeftModel.from_pretrained(stack.load("causal"), files.path(*sft_key.split("/")), is_trainable=True)
    params = [w for w in policy.parameters() if w.requires_grad]
    opt = optimizer_with_schedule([(params, d["learning_rate"])], total, lambda s, t: lr_factor("cosine", s, t, d["warmup_ratio"]))
    work = files.path("run", "trainer", "dpo")
    args = training_args(DPOConfig, stack, work, total, d["batch_size"], d["learning_rate"], d["max_grad_norm"], seed_for(ar["seed"], "dpo"),
                         beta=d["beta"], label_smoothing=d["label_smoothing"], loss_type=["sigmoid"], max_length=stack.max_len)
    rows = [{"prompt": [{"role": "user", "content": x["prompt"]}], "chosen": [{"role": "assistant", "content": x["chosen"]}],
             "rejected": [{"role": "assistant", "content": x["rejected"]}]} for x in pairs]
    log = log_lines(files, {"topicId": tc["id"], "attempt": ar["attempt"], "phase": "dpo"})
    trainer = DPOTrainer(model=policy, ref_model=None, args=args, train_dataset=Dataset.from_list(rows), processing_class=stack.tok,
                         optimizers=opt, callbacks=[log])
    trainer.train(resume_from_checkpoint=last_checkpoint(work))
    losses = [r["loss"] for r in log.logs if "loss" in r]
    metrics = {"phase": "dpo", "steps": total, "finalLoss": losses[-1] if losses else None}
    key = save_adapter(files, policy, "default", adapter_key(tc["id"], "dpo"), metrics)
    shutil.rmtree(work, ignore_errors=True)
    ctx["say"](f"{tc['id']} dpo: {total} steps, loss {metrics['finalLoss']}")
    return key, metrics, [], []
`;
