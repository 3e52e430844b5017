// README.md of a TRL bundle: what is in it, how to run it on one machine and on a cluster, what comes
// back, and every place where TRL's trainers behave differently from the studio's.
import { PEFT_VERSION, TRL_VERSION } from './train-py.ts';

export interface ReadmeFacts {
  model: string;
  alignment: 'ppo' | 'dpo';
  topics: number;
  trainable: number;
  firstTopic: string | null;
}

const DIFFERENCES = `## Where TRL behaves differently from the studio

Status: train.py compiles, and its pure helpers (seeds, split, schedules, truncation, score formula,
verdicts, run.json) are tested against the studio's TypeScript; the TRL calls follow the trl 1.9.0 and
peft 0.20.0 sources but were not run where this bundle was made. Run the smoke command first.

train.py takes every value from plan.json and mirrors the studio's rules where TRL lets it: the
seeds (FNV-1a per topic and attempt), the reward model's 80/20 split (the same mulberry32 shuffle, so
the same pairs are held out), the truncation (a prompt cut from the left to leave its answer a quarter
of max_seq_length, an answer keeping its start, a reward pair keeping its end-of-turn token, pairs
identical within the window left out), the learning-rate schedules (its own LambdaLR: SFT reads the
cosine one step ahead, the reward model and DPO warm up by ceil(ratio x steps)), the reward model's
own head learning rate, min_steps and early stopping (improvement > min_delta, patience epochs, the
last model kept), the step counts and --max-steps caps, retries with one more SFT epoch and a new
seed, folds, exact unit merges and the score formula. What differs:

- **Data order and initialisation.** TRL's samplers shuffle with the Trainer's seed, not the studio's
  per-epoch order, and PEFT draws LoRA A from the same Kaiming-uniform range (B = 0) with another
  generator. Same steps and batch sizes, different batches: the numbers will not match the studio's
  to the digit.
- **Optimizer.** Each trainer gets train.py's own AdamW and LambdaLR (the studio's schedules, the
  reward head's own learning rate). transformers does not combine a caller's optimizer with DeepSpeed,
  so scale out with the data-parallel accelerate configs given.
- **Reward model.** transformers' sequence classifier reads the last non-padding token; train.py pads
  with a token that is never the end-of-turn token (the tokenizer's pad, else unk, else the last
  vocabulary id) so the head reads the end-of-turn token as the studio's does. TRL's RewardTrainer
  drops pairs longer than max_length; none are, since train.py cuts them the studio's way first.
- **PPO** is TRL's PPOTrainer from trl.experimental.ppo. Its value function is a separate sequence
  classifier whose trunk is frozen and whose head trains (the studio's value head sits on the policy's
  trunk and its loss reaches the policy's LoRA). TRL's KL coefficient is fixed; a callback makes it
  adaptive (coefficient x (1 + clip(KL/target - 1, +-0.2) x batch / kl_horizon) after every step) and
  applies the KL runaway stop. TRL logs the KL summed over each response, so the callback divides by
  max_new_tokens: for responses that stop early that under-states the per-token KL the studio steers.
  ppo.top_p is not applied (TRL samples with top-p 1), and a response cut at max_new_tokens is scored
  as it is (the studio appends the end-of-turn token first). The reference is the SFT adapter, loaded
  a second time as PEFT adapter "reference".
- **DPO.** TRL tokenises prompt, chosen and rejected itself and truncates with its own rule
  (keep_start at max_length); the pairs it gets are those the studio's rule keeps. The reference is
  the SFT adapter (TRL copies it as adapter "ref").
- **Evaluation.** Semantic similarity comes from sentence-transformers' all-MiniLM-L6-v2 (the studio
  runs the ONNX export of the same model); without it, the lexical cosine, whose word pattern is
  Python's (letters and digits, as the studio's, except a few Unicode marks). The voice-marker
  patterns run under Python's re instead of JavaScript's RegExp: plain phrases and common classes
  behave the same, exotic syntax may not.
- **Resume** is per phase (run/state.json after every phase) and, inside SFT, the reward model and
  DPO, from the Trainer's checkpoint every 50 steps; PPO restarts its phase. The studio resumes to the
  same bytes; a resumed TRL run is close, not identical.
- **Merges** are exact (rank = sum of the parts); merge.compress_rank is not applied here.
- **Warnings** are fewer: train.py reports a reward model that did not learn and an SFT loss that did
  not fall, not the studio's checks of unchanged adapters and skipped steps. metrics.jsonl holds TRL's
  own log keys.
- **Loading.** Each phase loads the base model afresh and merges the folded adapters into it (the
  studio keeps one base on the GPU for every model of a topic): simple and memory-safe, slower to start
  each phase on a large model. PPO holds three copies (policy with its SFT reference adapter, reward
  model, value model).
- **Gemma 3 checkpoints in the conditional-generation layout** name their decoder
  model.language_model.layers; the studio imports adapters of the causal-LM layout (model.layers).
`;

export function bundleReadme(f: ReadmeFacts): string {
  const smoke = f.firstTopic ? ` --topics ${f.firstTopic}` : '';
  return `# Mindprint curriculum run: TRL + PEFT bundle

Written by \`mindprint export-bundle\`: this curriculum (${f.topics} topics, ${f.trainable} trainable) and the
recipe the studio would run on it, for a GPU machine or a cluster. Base model: \`${f.model}\`;
alignment: ${f.alignment === 'ppo' ? 'reward model + PPO' : 'DPO'}. train.py targets trl ${TRL_VERSION} and peft ${PEFT_VERSION}.

| path | what |
|---|---|
| plan.json | curriculum order and every per-topic value the studio chose, with the reasons and your overrides |
| data/topics/{topic}/sft.jsonl | supervised examples, TRL conversational \`messages\` |
| data/topics/{topic}/preference.jsonl | preference pairs, TRL conversational \`prompt\` / \`chosen\` / \`rejected\` |
| data/topics/{topic}/distinctions.jsonl, quiz.json | the topic's critical distinctions and quiz |
| data/global_distinctions.jsonl, data/exams.json | curriculum-wide distinctions; chapter tests, unit exams, final assessment |
| train.py | the recipe: SFT -> reward model -> PPO (or DPO) -> evaluation, per topic, with retries and merges |
| requirements.txt, accelerate/, slurm.sh | environment, launch configs, a Slurm job |

## Run it

Try it on a laptop first (minutes, CPU, two optimizer steps per phase):

\`\`\`sh
python -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt
python train.py${smoke} --max-steps 2 --device cpu --out smoke
\`\`\`

One GPU: \`python train.py\` (or \`accelerate launch --config_file accelerate/single_gpu.yaml train.py\`).
Several GPUs on one machine: \`accelerate launch --config_file accelerate/multi_gpu.yaml train.py\` (set
num_processes there). A cluster: \`sbatch slurm.sh\` (accelerate on every node; edit the sizes).
Gated models need \`HF_TOKEN\` or \`hf auth login\`; \`--model ORG/NAME|DIR\` runs another base model of the same family.

train.py prints one line per phase (its steps and loss). A killed run resumes: run the same command
again. \`--topics ID,...\` trains some topics (curriculum order kept), \`--max-steps N\` caps every phase,
\`--device cpu|cuda|mps\` chooses the device, \`--retries N\` overrides the retries.

## What comes back

\`output/\` is laid out as the studio lays out a run: \`adapters/{topic}/{sft,reward,ppo|dpo}_adapter\`
(PEFT folders), \`merged_adapters/{unit}_merged\`, \`run.json\` (pass rate, per-topic scores and attempts,
exams, merges), \`metrics.jsonl\` and \`run/state.json\`. Bring it back with

\`\`\`sh
npx mindprint import-run output --out my-run     # checks every adapter against the base model
npx mindprint eval --model ${f.model} --adapter my-run/adapters/<topic>/${f.alignment}_adapter
\`\`\`

${DIFFERENCES}`;
}
