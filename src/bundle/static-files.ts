// The bundle's fixed files: requirements.txt, the accelerate configs (one GPU, several GPUs) and a Slurm
// job script. Their bytes depend on nothing, so every bundle carries the same ones.
import { PEFT_VERSION, TRL_VERSION } from './train-py.ts';

export const REQUIREMENTS = `# What train.py was written against: trl ${TRL_VERSION} and peft ${PEFT_VERSION} exactly (their argument
# names were checked in those releases' sources). The others are the lower bounds trl ${TRL_VERSION} itself
# declares; install torch for your CUDA first (https://pytorch.org), then: pip install -r requirements.txt
trl==${TRL_VERSION}
peft==${PEFT_VERSION}
transformers>=4.56.2,!=5.1.0
accelerate>=1.4.0
datasets>=4.7.0
safetensors>=0.4.3
torch>=2.4
# Semantic similarity by all-MiniLM-L6-v2 sentence embeddings, as the studio scores when it has them;
# without it train.py uses the studio's lexical cosine and run.json says so.
sentence-transformers>=3.0
`;

export const ACCELERATE_SINGLE_GPU = `# accelerate launch --config_file accelerate/single_gpu.yaml train.py
compute_environment: LOCAL_MACHINE
distributed_type: 'NO'
mixed_precision: bf16
num_machines: 1
num_processes: 1
use_cpu: false
`;

export const ACCELERATE_MULTI_GPU = `# accelerate launch --config_file accelerate/multi_gpu.yaml train.py
# Data parallel over the GPUs of one machine; set num_processes to their number. Each phase's batch is
# split over them (per-device batch = batch size / GPUs), so the optimizer steps stay the studio's.
compute_environment: LOCAL_MACHINE
distributed_type: MULTI_GPU
mixed_precision: bf16
machine_rank: 0
num_machines: 1
num_processes: 8
rdzv_backend: static
same_network: true
use_cpu: false
`;

export const SLURM_JOB = `#!/bin/bash
# sbatch slurm.sh: the bundle on N nodes x 8 GPUs with accelerate (edit the partition and the sizes).
#SBATCH --job-name=mindprint-trl
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=8
#SBATCH --cpus-per-task=32
#SBATCH --time=24:00:00
#SBATCH --output=%x-%j.log
set -euo pipefail
cd "$SLURM_SUBMIT_DIR"
MAIN_IP=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
srun accelerate launch \\
  --config_file accelerate/multi_gpu.yaml \\
  --num_machines "$SLURM_NNODES" --num_processes $((SLURM_NNODES * 8)) \\
  --machine_rank "$SLURM_NODEID" --main_process_ip "$MAIN_IP" --main_process_port 29500 \\
  train.py --out output
`;
