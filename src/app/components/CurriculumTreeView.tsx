// The curriculum as units → chapters → topics; a click selects a topic for the dashboard.
import { useShallow } from 'zustand/react/shallow';
import type { Topic } from '../../data/types.ts';
import type { CurriculumTree } from '../../data/curriculum.ts';
import type { TopicAnalysis } from '../../analysis/analysis-types.ts';
import { useStudio } from '../store/store.ts';
import { fmt1, leaf } from '../format.ts';

function TopicItem({ topic, label, byId }: { topic: Topic; label: string; byId: Map<string, TopicAnalysis> }) {
  const { selected, select } = useStudio(useShallow((s) => ({ selected: s.selectedTopic === topic.id, select: s.selectTopic })));
  const t = byId.get(topic.id);
  const measured = useStudio((s) => s.result?.analysis.markers?.origin !== 'none'); // no markers: no density to show
  return (
    <li>
      <button className={`tree-item${selected ? ' selected' : ''}`} onClick={() => select(selected ? null : topic.id)} title={topic.id}>
        <span className="tree-label">{label}</span>
        {t && (
          <span className="tree-meta" title={`${t.sft.examples} SFT examples${measured ? `, voice density ${fmt1(t.sft.voiceDensity)}` : ''}`}>
            {t.sft.examples} ex{measured ? ` · ${fmt1(t.sft.voiceDensity)}` : ''}
          </span>
        )}
      </button>
    </li>
  );
}

export function CurriculumTreeView({ tree, topics }: { tree: CurriculumTree; topics: TopicAnalysis[] }) {
  const byId = new Map(topics.map((t) => [t.id, t]));
  return (
    <div className="tree" data-testid="curriculum-tree">
      <ul>
        {tree.units.map((u) => (
          <li key={u.id}>
            <div className="tree-unit">{u.id}</div>
            <ul>
              {u.chapters.map((c) => (
                <li key={c.id}>
                  <div className="tree-chapter">{leaf(c.id)}</div>
                  <ul>
                    {c.topics.map((t) => (
                      <TopicItem key={t.id} topic={t} label={leaf(t.id)} byId={byId} />
                    ))}
                    {c.material && <TopicItem topic={c.material} label="chapter material" byId={byId} />}
                  </ul>
                </li>
              ))}
              {u.material && <TopicItem topic={u.material} label={u.chapters.length ? 'unit material' : u.id} byId={byId} />}
            </ul>
          </li>
        ))}
        {tree.general && (
          <li>
            <div className="tree-unit">no topic</div>
            <ul>
              <TopicItem topic={tree.general} label="general" byId={byId} />
            </ul>
          </li>
        )}
      </ul>
    </div>
  );
}
