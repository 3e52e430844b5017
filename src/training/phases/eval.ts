// The evaluation phase: the topic's policy answers its quiz (else its own SFT questions) and is scored
// against the topic's adaptive pass threshold with the configured question weights.
import { LoraParams } from '../../model/lora-params.ts';
import { evaluateTopic, releaseEvalWorkspaces } from '../evaluate.ts';
import { outcome, PASS, RUN, type PhaseModule } from './phase.ts';

export const evalPhase: PhaseModule = {
  phase: 'eval',
  async gate(ctx, at) {
    return at.policyKey && ctx.want('eval') && !at.done.includes('eval') ? RUN : PASS;
  },
  async run(ctx, at) {
    const { be, model } = ctx.inp;
    const { topicId, attempt, data } = at;
    const lora = LoraParams.create(be, (await ctx.runs.loadAdapter(at.policyKey!, model.config)).adapter);
    try {
      const onQuestion = (done: number, total: number) => ctx.emit({ type: 'questions', what: `evaluation of ${topicId}`, topicId, done, total });
      const ev = await evaluateTopic(
        { ...ctx.evalContext(lora), onQuestion },
        { topicId, quiz: data.quiz, seenQuestions: data.sftRecords, threshold: at.tc.passThreshold, distinctions: data.distinctions },
      );
      const summary = {
        source: ev.source,
        score: ev.score,
        threshold: ev.threshold,
        passed: ev.passed,
        distinctionFailures: ev.distinctionFailures,
        similarity: ev.similarityName,
        questions: ev.questions.length,
      };
      ctx.metric({ topicId, attempt, phase: 'eval', score: ev.score, threshold: ev.threshold, passed: ev.passed, source: ev.source });
      const out = outcome(null, summary);
      out.evaluation = { score: ev.score, passed: ev.passed, summary };
      return out;
    } finally {
      lora.release();
      releaseEvalWorkspaces(be, ctx.dec);
    }
  },
};
