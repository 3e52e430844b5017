// Critical distinctions of Peg's curriculum: chosen = the correct statement, rejected = the
// misconception it must not be confused with; those without a source guard every topic.
import type { Distinction } from './types.ts';

export const DISTINCTIONS: Distinction[] = [
  {
    source: 'unit-01/chapter-01/topic-01',
    prompt: `Which way does the burgee point?`,
    chosen: `The burgee streams away from the wind: it points where the wind is going, so the wind comes from the opposite direction.`,
    rejected: `The burgee points into the wind, towards where the wind is coming from.`,
  },
  {
    source: 'unit-01/chapter-01/topic-01',
    prompt: `Which wind does the sail respond to when the boat is moving?`,
    chosen: `The sail responds to the apparent wind: the true wind combined with the wind made by the boat's own motion.`,
    rejected: `The sail responds only to the true wind; the boat's own speed makes no difference to the wind the sail feels.`,
  },
  {
    source: 'unit-01/chapter-01/topic-02',
    prompt: `How does the sail trim change as you turn away from the wind?`,
    chosen: `The further you turn away from the wind, the further you let the sail out.`,
    rejected: `The further you turn away from the wind, the further you pull the sail in.`,
  },
  {
    source: 'unit-01/chapter-01/topic-02',
    prompt: `Where should the centreboard be when running?`,
    chosen: `Nearly up, with a little left down to steady the boat.`,
    rejected: `All the way down, because running needs the most centreboard.`,
  },
  {
    source: 'unit-01/chapter-01/topic-03',
    prompt: `Can a sailing dinghy sail straight into the wind?`,
    chosen: `No. About forty-five degrees either side of the wind is the no-go zone, where the sail only flaps; to go upwind you zigzag by tacking.`,
    rejected: `Yes, with the sails pulled in tight a dinghy can sail directly into the wind.`,
  },
  {
    source: 'unit-01/chapter-01/topic-03',
    prompt: `Getting out of irons: where do the boom and the tiller go?`,
    chosen: `Push the boom out to one side and the tiller towards the boom; the boat goes backwards and the bow turns towards the boom's side.`,
    rejected: `Pull the mainsheet in hard and push the tiller away from the boom so the boat sails forwards out of irons.`,
  },
  {
    source: 'unit-01/chapter-02/topic-01',
    prompt: `Which way does the bow turn when you push the tiller towards the sail?`,
    chosen: `Towards the wind: pushing the tiller towards the sail heads the boat up.`,
    rejected: `Away from the wind: pushing the tiller towards the sail makes the boat bear away.`,
  },
  {
    source: 'unit-01/chapter-02/topic-01',
    prompt: `Does the rudder steer when the boat is stopped?`,
    chosen: `No. The rudder needs water flowing past it; without boat speed there is no steering.`,
    rejected: `Yes. The rudder turns the boat whether or not it is moving through the water.`,
  },
  {
    source: 'unit-01/chapter-02/topic-02',
    prompt: `The windward jib tell-tale is fluttering. What does it mean?`,
    chosen: `The sail is too loose for the course or you are too close to the wind: sheet in or bear away.`,
    rejected: `The sail is pulled in too tight: ease the sheet or head up.`,
  },
  {
    source: 'unit-01/chapter-02/topic-02',
    prompt: `When in doubt about the mainsail trim, what do you do?`,
    chosen: `Let it out: ease until the luff lifts, then sheet in just until it stops.`,
    rejected: `Pull it in: a sail sheeted in hard is always the most efficient.`,
  },
  {
    source: 'unit-02/chapter-01/topic-01',
    prompt: `In a tack, what goes through the wind?`,
    chosen: `The bow goes through the wind.`,
    rejected: `The stern goes through the wind.`,
  },
  {
    source: 'unit-02/chapter-01/topic-02',
    prompt: `What must the helm do the moment the boom crosses in a gybe?`,
    chosen: `Straighten the tiller at once, so the boat does not spin up into the wind and capsize.`,
    rejected: `Keep the tiller hard over until the boat has turned right round into the wind.`,
  },
  {
    source: 'unit-02/chapter-01/topic-02',
    prompt: `Where should the centreboard be for a gybe?`,
    chosen: `About a quarter down: enough to stop the boat rolling, not so much that she trips over it.`,
    rejected: `Fully down, so the boat cannot capsize during the gybe.`,
  },
  {
    source: 'unit-02/chapter-02/topic-01',
    prompt: `How is a dinghy hove-to?`,
    chosen: `Jib backed, mainsail eased, tiller held towards the boom, so the jib and rudder balance each other.`,
    rejected: `Both sails sheeted in hard and the tiller lashed amidships.`,
  },
  {
    source: 'unit-03/chapter-01/topic-01',
    prompt: `Close-hauled, a gust hits. Which way do you steer?`,
    chosen: `Head up slightly into the wind to feather, easing the mainsheet if needed.`,
    rejected: `Bear away sharply, so the gust is behind you.`,
  },
  {
    source: 'unit-03/chapter-01/topic-02',
    prompt: `When do spring tides occur?`,
    chosen: `Shortly after new moon and full moon, every fortnight, all year round.`,
    rejected: `In the spring season, between March and May.`,
  },
  {
    source: 'unit-03/chapter-01/topic-02',
    prompt: `What sea does wind against tide produce?`,
    chosen: `Short, steep, uncomfortable waves.`,
    rejected: `Flatter water, because wind and tide cancel each other out.`,
  },
  {
    prompt: `What do you do after a capsize if the shore looks close?`,
    chosen: `Stay with the boat: it floats, it is easy to see, and the shore is always further than it looks.`,
    rejected: `Swim for the shore, since it is quicker than waiting for the boat to be righted.`,
  },
  {
    prompt: `Which boat gives way: port tack or starboard tack?`,
    chosen: `A boat on port tack keeps clear of a boat on starboard tack.`,
    rejected: `A boat on starboard tack keeps clear of a boat on port tack.`,
  },
  {
    prompt: `Is a buoyancy aid needed on a calm day?`,
    chosen: `Yes. Wear the buoyancy aid, zipped, every time you go afloat, whatever the weather.`,
    rejected: `No. A buoyancy aid is only needed when the wind is strong.`,
  },
  {
    prompt: `What is a lee shore?`,
    chosen: `A shore the wind blows onto: a boat in trouble drifts towards it, so keep well clear.`,
    rejected: `A shore the wind blows off, which is the safest place to sail close to.`,
  },
];
