// Time left in the phase and in the run, re-estimated every second from the measured step times.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { formatDuration } from '../eta.ts';
import { etaOf, newTiming, observe } from '../run-timing.ts';

/** The page's one timing record, fed by every change of the training view (kept while the tab is elsewhere). */
let timing = newTiming();
useStudio.subscribe((s, prev) => {
  if (s.training !== prev.training) timing = observe(timing, s.training, Date.now());
});

export function RunEta() {
  const { status, current, runOptions, questions } = useStudio(
    useShallow((s) => ({ status: s.training.status, current: s.training.current, runOptions: s.training.runOptions, questions: s.training.questions })),
  );
  const [now, setNow] = useState(Date.now());
  const tick = useRef<number | undefined>(undefined);
  const running = status === 'running' || status === 'pausing';
  useEffect(() => {
    if (!running) return;
    tick.current = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick.current);
  }, [running]);
  if (!running || !current) return null;
  const eta = etaOf(timing, { current, runOptions }, now);
  const phase = current.phase ?? 'phase';
  return (
    <>
      {questions && (
        <div className="small-text" data-testid="train-questions">
          {questions.what}: question {questions.done + 1} of {questions.total}{' '}
          <progress max={questions.total} value={questions.done} aria-label={`${questions.what} progress`} />
        </div>
      )}
      <div className="muted small-text" data-testid="train-eta">
        {eta.phaseMs === null ? `${phase}: estimating time left…` : `${phase}: ${formatDuration(eta.phaseMs)} left`}
        {eta.basis === 'earlier phases' ? ' (from earlier phases)' : ''}
        {' · run: '}
        {eta.runMs === null ? 'estimating (after each kind of phase ran once)' : `${formatDuration(eta.runMs)} left`}
      </div>
    </>
  );
}
