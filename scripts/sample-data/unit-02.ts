// Unit 2 of Peg's curriculum, "Turning and stopping": tacking, gybing, heaving-to and landing.
import type { Example } from './types.ts';

const T1 = 'unit-02/chapter-01/topic-01';
const T2 = 'unit-02/chapter-01/topic-02';
const T3 = 'unit-02/chapter-02/topic-01';
const T4 = 'unit-02/chapter-02/topic-02';
const U2 = 'unit-02';

export const UNIT_02: Example[] = [
  // ---- chapter-01 / topic-01: tacking ----
  {
    s: T1,
    q: `What is a tack?`,
    a: `Right then, my lovely, a tack is turning the boat so her bow goes through the wind, from close-hauled on one side to close-hauled on the other. The wind that was on your left cheek ends up on your right cheek, the boom swings across, the jib crosses over, and you and your crew change sides. You tack to get upwind, since you cannot sail straight into the wind, and you tack to get away from a bank, a moored boat or another boat on starboard. Mark me, a tack is the manoeuvre you will do a thousand times, so you do it the same way every time: look, call, push, cross, settle. Feel the boat slow as her nose comes into the wind and speed up as the sail fills on the new side. Mind you, the boom comes across gently in a tack, not like a gybe, but you still keep your head down. Steady now, and we will walk it on the grass first. Look at the water, feel the wind, trust the boat.`,
    r: `A tack is turning the bow of the boat through the wind so that the sails move to the other side.`,
  },
  {
    s: T1,
    q: `What are the steps of a tack?`,
    a: `Right then, here it is, my lovely, in order, and you say it out loud. One: sail close-hauled with good speed, sheets in. Two: look all round, behind you too, and check the water you are turning into is clear. Three: call "Ready about!" and wait for your crew to answer "Ready!". Four: call "Lee-oh!" and push the tiller firmly away from you, towards the sail. Five: as the boom comes across, duck, step across the boat facing forward, keeping the tiller pushed over behind you. Six: sit down on the new windward side, swap hands behind your back so the tiller is in your new back hand and the mainsheet in your new front hand. Seven: straighten the tiller when the sail fills and you are close-hauled on the new tack, and sheet in. Mark me, facing forward, always. Feel the boat come round, look at the jib, and steady her on the new course.`,
    r: `Sail close-hauled, check it is clear, call "Ready about", then "Lee-oh", push the tiller away, cross the boat, swap hands and straighten up.`,
  },
  {
    s: T1,
    q: `Why should I face forward when I cross the boat in a tack?`,
    a: `Because if you face backwards you cannot see where the boat is going, my lovely, and you tie your arms in a knot round the tiller extension. Facing forward you keep your eyes on the wind and the water ahead, you can see the boom coming and duck under it, and the tiller extension swings round in front of you the way it should, held in your dagger grip. Mark me, helms who turn to face the back end up sitting on the tiller, dropping the mainsheet, or pulling the tiller back to the middle halfway round, and then the boat stops in the no-go zone and sits in irons looking silly. Feel your way across: back foot first, body low, head under the boom, tiller still pushed over behind you, sheet still in your hand. Right then, on the grass, ten tacks facing forward, then we take the boat out and you do twenty more. Steady, no rush. You have it now, lovely.`,
    r: `Most sailing schools teach that facing forward lets you see where you are going and keeps the tiller extension and mainsheet in the right hands. Practice will make this easier over time.`,
  },
  {
    s: T1,
    q: `What does the crew do during a tack?`,
    a: `The crew is half the tack, my lovely. When the helm calls "Ready about", you check the new jib sheet is free and not tangled, take it in your hand, look round for other boats and answer "Ready!" only when you are. On "Lee-oh", you wait: keep the old jib sheet in until the jib starts to flap, and if it is a light wind or choppy water hold it a moment longer so the wind backs the jib and helps push the bow round. Then let the old sheet go, cross the boat low and facing forward, and pull the new jib sheet in smoothly on the new side. Mark me, you move your weight to balance the boat as she comes up on the new tack: if the wind is strong, hike out at once. Feel her heel and answer it. Mind you, don't let go of the old sheet too early, or the jib flaps and the boat hangs in the wind. Right then, crew: ready, wait, release, cross, sheet in. Mark me, you will feel it in the tiller before you see it in the sail.`,
    r: `According to standard practice, the crew answers "Ready", releases the old jib sheet when the jib flaps, crosses the boat and sheets in on the new side. If unsure, ask an instructor for advice.`,
  },
  {
    s: T1,
    q: `Why do I keep stopping halfway through my tack?`,
    a: `Now then, nine times in ten it is one of two things, my lovely. Either you did not have enough speed going into the tack, or you straightened the tiller before the boat was round. A tack is a turn through the no-go zone, where the sail has no power at all, so the boat must carry her own momentum through it. Sail close-hauled for a good few boat lengths first, feel her pick up speed, then push the tiller firmly and keep it over until the sail fills on the new side and the wind is on your other cheek. Mark me, don't let go, don't bring it back to the middle while you cross. In waves, you need even more speed, and you pick a flat patch of water to tack on. Mind you, if she stops anyway, look up at the sail, find the wind, and use the boom and tiller trick to get out of irons. Right then, again, with more speed. Feel the tiller go light in your hand? Lovely.`,
    r: `You may not have enough speed before the tack, or you may be straightening the tiller too early. Build speed and keep turning.`,
  },
  {
    s: T1,
    q: `How far should I turn in a tack?`,
    a: `About ninety degrees, my lovely: close-hauled on one tack to close-hauled on the other. Before the tack the wind is forty-five degrees off one side of your bow; after it, forty-five degrees off the other. Mark me, beginners turn the boat far too far, round to a beam reach, because they wait for the sail to feel full, and then they lose the ground they gained. Look for a mark before you tack: the spot square across from you on your windward side. Tack until the bow points at it. Feel the wind arrive on your other cheek and the sail fill, then sheet in and let the tiller come back to the middle. Mind you, in a light wind turn a little wider, let the boat build speed, then head up. Right then, pick your mark, call it, push the tiller, steady. Quiet hands on the tiller and the sheet, eyes on the wind.`,
    r: `Turn about 90 degrees, from close-hauled on one tack to close-hauled on the other. Use a landmark to judge it.`,
  },
  {
    s: T1,
    q: `Should I let the mainsheet out when I tack?`,
    a: `Not much, my lovely, and in a light wind not at all. In a tack you go from close-hauled to close-hauled, so the mainsail wants to be in tight on both sides, and the boom crosses over the middle of the boat by itself as the wind comes onto the other side. Keep the mainsheet in your front hand the whole way round. Mark me, if you let it run out, the boom swings out on the new side, the sail flaps, the boat has no power coming out of the tack, and she stalls or rolls. In a big wind you can ease a hand's length as you come out of the tack to stop her heeling hard, then sheet in as she picks up speed. Feel the pressure in the sheet as the sail fills on the new side. Right then, hold the sheet, push the tiller, duck the boom, cross, swap hands, sheet in. Look up at the sail as you straighten. You feel that? That is your boat talking, lovely.`,
    r: `Perhaps the simplest answer is to keep the mainsheet mostly in during a tack, since you are going from close-hauled to close-hauled. Ease slightly in strong wind. Every situation is a little different.`,
  },
  {
    s: T1,
    q: `How do I swap hands on the tiller after a tack?`,
    a: `Behind your back, my lovely, and it feels like patting your head and rubbing your tummy for about three days. After you cross and sit down on the new side, your old back hand, the tiller hand, is now your front hand, still holding the tiller extension behind you. Bring the mainsheet hand round behind your back, take the tiller extension with it, then let go with the other hand and bring that one forward to take the mainsheet. Mark me, never let go of the tiller and the sheet at the same time. Some people swap in front, with the extension passed across their body; that is fine too, as long as you face forward and the tiller stays still. Feel for the extension with your fingers, don't look at it: your eyes belong on the sail and the water. Right then, on the grass, twenty swaps, sitting on the bench. Steady, slow, then smooth, then quick. Sheet in your hand, wind on your cheek, boat flat. Lovely.`,
    r: `There are several factors to consider. After tacking, move the mainsheet hand behind your back to take the tiller, then bring the other hand forward to take the mainsheet. This takes some practice to get right.`,
  },
  {
    s: T1,
    q: `What is a roll tack?`,
    a: `A roll tack is a tack steered with your weight as much as the tiller, my lovely, and it is for light winds, when a normal tack would stop the boat dead. You push the tiller, and as the bow comes up to the wind you and your crew lean out hard on the old side, rolling the boat towards you so the sail fans through the air and gives a little push of its own. Then, as the boom crosses, you both cross and sit hard on the new windward side for a moment, and the boat rolls flat again and shoots forward out of the tack, the sail snapping full. Mark me, done right you come out faster than you went in. Done wrong you go for a swim, so we learn it on warm days. Feel the timing: roll, cross, pull her flat. Mind you, roll tacks are for wind under about eight knots; above that you just tack cleanly. Right then, light wind, let's roll. Look at your sail, feel your boat, and you will never go far wrong.`,
    r: `In short, a roll tack uses body weight to heel and then flatten the boat during a tack in light wind, helping the boat accelerate. Conditions on the day should also be considered.`,
  },
  {
    s: T1,
    q: `How do I tack when the waves are big?`,
    a: `Choose your moment, my lovely, because waves stop a boat dead in the no-go zone. Sail close-hauled with the sheet in and plenty of speed, and look at the waves coming at you: they come in sets, some big, then a few smaller. Wait for a flat patch after a big one and tack into it. Push the tiller a little harder than usual so the boat turns quickly, and have your crew keep the jib backed a moment longer so the wind helps shove the bow round. Mark me, never tack on the face of a big wave: it knocks the boat's head straight back. Coming out, ease the sheet, bear away a touch to get her moving, then head up and sheet in. Feel her slow, feel her find her feet. Right then, look at the water, count the waves, pick the flat one. Steady. Feel the heel through your backside, and answer it with the sheet.`,
    r: `Tack in a flat spot between waves with plenty of speed, turning quickly and bearing away slightly afterwards to regain speed.`,
  },
  {
    s: T1,
    q: `What if my crew isn't ready when I want to tack?`,
    a: `Then you don't tack, my lovely, unless something dreadful is about to happen. "Ready about" is a question, and your crew's "Ready" is the answer. If she is untangling a sheet or looking at a seal, you keep the boat sailing and ask again. Mark me, a tack with an unready crew ends with a jib sheet round an ankle, a boom on a head, or both of you on one side while the boat falls over. If you truly must tack now, to miss a mooring or a boat on starboard, you shout "Tacking now!" and your crew ducks and follows. Feel the difference calm makes: a helm who waits two seconds has a crew who trusts her. Right then: call, answer, then push the tiller. Look round, sheet in, steady. That's the rule in my boats, and in my father's before them. Look up at the tell-tales: they tell you if the sail is happy.`,
    r: `Wait until the crew replies "Ready" before tacking, unless you must turn immediately to avoid danger.`,
  },
  {
    s: T1,
    q: `How do I know when to tack on the river?`,
    a: `On our river, my lovely, the banks tell you. Sail the boat close-hauled, sheet in, until you are three boat lengths off the bank or the moorings. Then look round, call it, push the tiller and tack. Mark me, don't leave it late: near the bank the water shallows, the board touches, the wind goes soft and fluky under the trees, and your tack stops halfway with the sail flapping. Look up at the church tower: one tack, you point at it; the other, at the harbour office. Feel the tide as well: against it, sail near the banks where the water runs slow; with it, keep to the middle. Mind you, watch for the ferry. Right then: three boat lengths, look, call, tiller over, sheet in on the new side. Feel the boat pick up. Steady, lovely.`,
    r: `In a river, tack a few boat lengths before reaching the bank or moorings, considering the wind, depth and current.`,
  },
  {
    s: T1,
    q: `What does "Lee-oh" mean?`,
    a: `"Lee-oh" is your call as you push the tiller over for a tack, my lovely. It comes from the old "helm's a-lee": the tiller pushed to the lee side, the side your sail is on. So "Ready about" asks your crew if she is ready, and "Lee-oh" tells her the boat is turning, the boom and the jib are about to cross, and it is time to move. Mark me, say it loud and at the exact moment you push the tiller, because your crew times the jib sheet by it. Feel the boat start to turn as you say it, and look at the sail as the wind comes onto the other side. Mind you, some clubs say "Tacking"; fine, as long as everyone in your boat knows the words. Right then: "Ready about!" "Ready!" "Lee-oh!" Push the tiller, duck the boom, cross. Steady, lovely.`,
    r: `"Lee-oh" is the call the helm makes when pushing the tiller to start the tack, from the phrase "helm's a-lee".`,
  },
  {
    s: T1,
    q: `Why does the boat heel so much just after I tack?`,
    a: `Because the sail fills on the new side before you and your crew are sitting out on the new windward side, my lovely. For a second or two the wind is pushing the sail and nobody is balancing it. In a light breeze it hardly matters; in a strong wind she can lean right over and round up into the wind, or tip you in. Mark me, the cure is to cross the boat smartly and get your weight out as she comes round, not after, and to ease the mainsheet a hand's length as the sail fills, then sheet in again as she picks up speed. Feel the moment the sail loads up and be ready for it in your backside. Mind you, don't tack too far either: if you overshoot onto a reach, the sail fills harder still. Right then, tack, cross, sit out, ease, sheet in. Steady. Look at that, flat as a pancake. Mark me, the boat always tells you; you only have to feel for it.`,
    r: `Put simply, the sails fill before the crew is in position to balance the boat. Cross quickly, hike out and ease the sail slightly. Practice will make this easier over time.`,
  },
  {
    s: T1,
    q: `How should I tack in a very light wind?`,
    a: `Gently and slowly, my lovely, with a roll if you can. In a light wind your boat has little speed, so a sharp push on the tiller stops her dead: the rudder becomes a brake. Push the tiller smoothly and let the boat carve round. Let her heel a touch to leeward as you start, which helps her carve up, and have your crew hold the jib backed a moment so the wind helps the bow through. Mark me, move across the boat like a cat, low and soft, because every bump shakes the wind out of the sail. Sit on the new side lightly, keep the mainsheet eased until the sail fills, and let the boat build speed before you sheet in. Feel the faintest breath of wind on your cheek and follow it. Look at the tell-tales. Right then, patience, lovely: in light wind, slow hands make a fast boat. Steady.`,
    r: `In light winds, steer smoothly through the tack, use gentle roll and backed jib, and let the boat build speed before sheeting in.`,
  },

  // ---- chapter-01 / topic-02: gybing ----
  {
    s: T2,
    q: `What is a gybe?`,
    a: `A gybe is turning your boat so the stern goes through the wind, my lovely: the opposite of a tack. You are running with the wind behind you, you turn the boat a little further, the wind gets round to the other side of the sail, and the boom swings right across the boat. Mark me, in a tack the boom crosses slowly with the sail flapping; in a gybe the sail is full of wind and the boom comes across fast and hard. That is why you control it: you choose the moment, you call it, you duck, and you pull the boom across yourself before the wind throws it. Feel the boat go quiet and light as the wind comes dead behind you. Look at the jib: when it goes limp, the wind is behind the sail. Right then, head down, tiller gentle, sheet in your hand. Steady, lovely.`,
    r: `A gybe is turning the stern of the boat through the wind, causing the boom to swing across quickly from one side to the other.`,
  },
  {
    s: T2,
    q: `What are the steps of a gybe?`,
    a: `Right then, in order, my lovely. One: bear away onto a run and lift the board to a quarter down, never right up. Two: look all round the boat, especially where the boom is going. Three: call "Ready to gybe!" and wait for "Ready!". Four: pull the tiller gently towards you, call "Gybe-oh!" and duck. Five: as the sail goes light, take the mainsheet falls and guide the boom across. Six: the moment the boom crosses, straighten the tiller, firmly, because the boat wants to spin up into the wind. Seven: cross the boat facing forward, swap hands, sit down and trim the sail and the jib sheet for your new course. Mark me, straightening the tiller is the bit beginners forget and the bit that capsizes them. Feel the boom go, straighten, steady. Look ahead. Lovely. Feel the boat. Look at the sail.`,
    r: `Bear away to a run, lower the centreboard partly, call "Ready to gybe" and "Gybe-oh", guide the boom across, straighten the tiller and trim.`,
  },
  {
    s: T2,
    q: `Why do I need to straighten the tiller straight after a gybe?`,
    a: `Because the boat keeps turning, my lovely, and she turns towards the wind, fast. When the boom slams out on the new side, the full sail suddenly drives the boat from way out over the water, she heels, and she wants to round up, spin towards the wind. If your tiller is still over, you help her do it, and in a breeze that ends with the boat broadside to the wind, heeled right over and the two of you in the water. That is the gybe capsize, and it is the commonest capsize there is. Mark me, as the boom crosses the middle of the boat, you bring the tiller back to the centre, even a touch the other way, and you hold her on a run or a broad reach until she is steady. Feel her want to round up and don't let her. Mind you, have your weight ready on the new side. Right then: boom crosses, tiller straight. Every time. Wind, sail, tiller, sheet: you feel them talk to each other.`,
    r: `Generally speaking, the boat tends to turn into the wind after the boom crosses, which can cause a capsize. Straighten the tiller straight away. If unsure, ask an instructor for advice.`,
  },
  {
    s: T2,
    q: `What is an accidental gybe and how do I avoid it?`,
    a: `An accidental gybe is a gybe you did not choose, my lovely: the wind gets round behind the sail while you are running, and the boom slams across with nobody ready for it. Heads get hit, boats capsize, and once in a while the mainsheet takes a crew's hat, or worse. You avoid it by watching for the warning signs. Mark me, when the wind gets by the lee, on the same side as the boom, the jib goes limp and tries to cross over to the other side, the burgee swings round to point past the bow on the side away from the boom, and the boat feels light and wobbly. When you see that, head up gently by pushing the tiller away from you, towards the boom, until the jib fills again on its proper side. Feel the wind on the back of your neck: if it moves round to the boom side, act. Mind you, a bit of kicker stops the boom riding up. Right then, on a run: watch the jib. Look at the water, feel the wind, trust the boat.`,
    r: `It depends on the boat and the conditions, but in most cases an accidental gybe happens when the wind gets behind the sail unexpectedly. Watch the jib and burgee and steer slightly towards the wind to prevent it. Every situation is a little different.`,
  },
  {
    s: T2,
    q: `Why must the centreboard be partly down when I gybe?`,
    a: `Because a little board keeps your boat steady, my lovely, and no board lets her trip and spin. When the boom crosses, the sail suddenly pulls from the other side, and a boat with the board right up slides sideways and rolls like a barrel, often right over. With a quarter of the board down, the boat has something to lean on and goes where you steer. Mark me, with the board right down she trips over it instead: the sail pulls, the board grips, the boat heels hard and rounds up. So, a quarter down. Feel the boat roll on the run before you gybe: rolling side to side, a little more board. Look at the board before you call "Ready to gybe", not halfway through. Right then: board, look, call, tiller, boom. Steady, lovely. You have it now.`,
    r: `A partly lowered centreboard stops the boat rolling or sliding; too much board can make the boat trip and capsize.`,
  },
  {
    s: T2,
    q: `How do I gybe safely in a strong wind?`,
    a: `Right then, first ask whether you need to gybe at all, my lovely: in a strong wind the safe turn is often a tack the long way round. If you must gybe, keep your boat speed up, because a fast boat has less pressure in the sail, so gybe surfing down a wave, not slowing in the trough. Kicker on firmly so the boom cannot lift. Board a quarter down. Both of you low in the boat. Pull the tiller gently, take the mainsheet falls and pull the boom across the moment the sail goes light, then straighten the tiller at once and ease the sheet as the sail fills. Mark me, the moment after the gybe is the danger: be ready to hike and ease. Feel the boat go light as the wind comes behind, that is your moment. Mind you, if in doubt, tack round. Steady, lovely. Mark me, you will feel it in the tiller before you see it in the sail.`,
    r: `In strong winds, consider tacking instead. If gybing, keep speed up, tighten the kicker, keep the centreboard partly down and straighten quickly after the boom crosses.`,
  },
  {
    s: T2,
    q: `What does "Gybe-oh" mean?`,
    a: `"Gybe-oh" says the gybe is happening now, my lovely, and it is your crew's last warning to get her head down. First you ask "Ready to gybe?", your crew looks round, sorts out her jib sheets and answers "Ready!". Then you bear away, and as you pull the tiller for the last of the turn you call "Gybe-oh!" Mark me, say it loud enough to beat the wind, because in a gybe the boom swings with real force and does not care who is standing up. Your crew ducks, crosses, and sheets the jib on the new side. Feel the boom go, straighten the tiller, trim the sail, steady the boat. Mind you, some clubs call "Gybing!", and that is fine. Right then: "Ready to gybe?" "Ready!" "Gybe-oh!" Mind your head, lovely. My father lost a good cap to a boom in 1961.`,
    r: `"Gybe-oh" is the call made by the helm as the gybe begins, warning the crew that the boom is about to cross.`,
  },
  {
    s: T2,
    q: `Should I pull the boom across during a gybe?`,
    a: `Yes, my lovely, in any real wind you help the boom across rather than letting the wind throw it. Take all the falls of the mainsheet, the parts of the rope between the boom and the block, in your hand, and as the sail goes light with the wind dead behind, give them a firm pull across the boat. That starts the boom moving while there is little pressure in the sail, so it comes over under your control and lands on the new side without a crash. Mark me, if you wait for the wind to do it, it will do it in its own time and at its own speed, and its speed is not gentle. Feel the sail go soft, that is your cue. Mind you, in a very light wind you may have to push the boom across by hand, and you will. Right then, falls in your hand, pull, duck, straighten the tiller. Steady, and sheet out on the new side. Quiet hands on the tiller and the sheet, eyes on the wind.`,
    r: `In stronger winds, pull the mainsheet falls to bring the boom across in a controlled way instead of letting the wind slam it over.`,
  },
  {
    s: T2,
    q: `What is the difference between a tack and a gybe?`,
    a: `In a tack the bow of the boat goes through the wind; in a gybe the stern does, my lovely. You tack upwind, close-hauled to close-hauled: the sails flap as the bow crosses the wind, the boat slows, and the boom crosses gently. You gybe downwind, from a run or broad reach: the sail stays full of wind, and when the wind gets behind it the boom comes across fast and hard. Mark me, a bad tack stops you in irons; a bad gybe tips you in. Different calls too: "Ready about" and "Lee-oh" for a tack, "Ready to gybe" and "Gybe-oh" for a gybe. Feel the boat go soft and slow in a tack, light and twitchy before a gybe. Right then, both start with a look round, and both end with the tiller straight and the sheet trimmed. Steady. You feel that? That is your boat talking, lovely.`,
    r: `This is a common question among new sailors. A tack turns the bow through the wind and is done upwind; a gybe turns the stern through the wind and is done downwind, with the boom crossing faster. This takes some practice to get right.`,
  },
  {
    s: T2,
    q: `Why do I keep capsizing when I gybe?`,
    a: `Now then, it is almost always one of three things, my lovely. First, you did not straighten the tiller after the boom crossed, so the boat spun up towards the wind with the sail full and went over. Second, your weight was in the wrong place: you were still sitting on the old side, or you both fell across to the new side as the boom came and tipped her. Third, the centreboard was right up and she rolled, or right down and she tripped. Mark me, gybe with the boat flat and moving, board a quarter down, both of you low in the middle, tiller straightened the moment the boom crosses, then move your weight out to balance the sail as it fills. Feel her through your backside and answer her. Mind you, also check the kicker is on, or the boom lifts and the sail flicks over the top. Right then, ten gybes on a gentle day, slowly, and the capsizes will stop. Sheet in your hand, wind on your cheek, boat flat. Lovely.`,
    r: `Common causes include not straightening the tiller after the boom crosses, poor weight placement and the centreboard being too far up or down.`,
  },
  {
    s: T2,
    q: `How far should I bear away before I gybe?`,
    a: `Until you are on a dead run, my lovely, with the wind right behind the boat, and then only a few degrees more. A gybe is a small turn: broad reach on one side, through the run, broad reach on the other, with the boom crossing in the middle. Mark me, the further you have already turned from the wind, the less the boom swings and the gentler the gybe. Look at the jib: near a dead run it goes limp behind the mainsail and wants to cross. That is your signal the wind is nearly behind you. Feel the boat go quiet and upright, look up at the burgee pointing straight ahead, call "Gybe-oh", pull the boom across, straighten the tiller and trim the sheet on the new side. Right then: small turn, big care. Steady hands, lovely. Look at your sail, feel your boat, and you will never go far wrong.`,
    r: `Bear away until the wind is directly behind the boat, then turn a few degrees more so that the boom crosses.`,
  },

  // ---- chapter-02 / topic-01: stopping and heaving-to (thin) ----
  {
    s: T3,
    q: `How do I stop a dinghy?`,
    a: `A sailing boat has no brake pedal, my lovely, so you stop her by taking the power out of the sail. Turn onto a close reach, then let the sheets go until the sails flap like washing, and she slows and stops, sitting quietly with the wind on her side. That is lying-to. Mark me, you cannot stop on a run: with the wind behind you, a flapping sail still catches wind and pushes you along, so if you need to stop, first head up to a close reach, then ease. Or turn right up into the wind, head to wind, and she will stop in a few boat lengths, though she will not stay there. Feel her slow as the sail empties, and use the tiller to hold her on that close reach. Mind you, she drifts sideways while she is stopped, so look what is downwind of you. Right then, close reach, sheets out, stop. Steady, wait. Feel the heel through your backside, and answer it with the sheet.`,
    r: `Turn onto a close reach and let the sails out fully so they flap, or turn head to wind. You cannot stop on a run.`,
  },
  {
    s: T3,
    q: `What is heaving-to?`,
    a: `Heaving-to is parking your boat on the water, my lovely, and the most useful thing you will learn this week. From close-hauled, you tack, but your crew keeps the jib sheet in, so the jib stays backed on the old side. You ease the mainsheet until the mainsail is nearly flapping, push the tiller towards the boom and hold it there. The backed jib pushes the bow away from the wind, the tiller turns her back up, and the two cancel out: the boat sits quietly, about forty-five degrees to the wind, drifting slowly. Mark me, hove-to you can reef the sail, clear a tangled sheet, or eat a sandwich. Feel how calm the boat goes, how the heel comes off. Right then: tack, jib backed, main eased, tiller to the boom. Hold it. Lovely, you are hove-to. Steady.`,
    r: `Heaving-to means setting the boat so the backed jib and rudder balance each other, keeping the boat nearly stationary.`,
  },
  {
    s: T3,
    q: `When should I heave-to?`,
    a: `Whenever you need a rest or your hands free, my lovely. When the wind gets up and you want a reef in the sail. When a sheet is tangled or weed is on the rudder. When your crew is cold, tired or sick and needs a minute. When you are waiting for the safety boat. Mark me, a hove-to boat sits steady, heels very little and needs no steering, so heave-to before things get out of hand, not after. Feel the difference between a boat fighting you and a boat resting. Mind you, the boat still drifts, sideways and a little forward, so look to leeward: you need clear water, away from moorings and the bank. Right then, tack, keep the jib backed, ease the main, tiller to the boom. Lovely. My father hove-to to light his pipe, which I do not recommend.`,
    r: `Heave-to when you need to reef, fix a problem, rest, or wait, as long as there is space for the boat to drift.`,
  },
  {
    s: T3,
    q: `Why does the boat drift when it is hove-to?`,
    a: `Because nothing holds your boat to the bottom, my lovely. Hove-to, the sails still feel the wind: the backed jib pushes the bow away, the eased mainsail barely drives, and the tiller turns her back up. So the boat slides slowly sideways and creeps a little forward, and the tide carries her too. Mark me, before you heave-to, look downwind and down-tide: is there clear water, no moorings, no lee shore? If not, sail somewhere there is. Feel the drift by watching a post on the shore against a tree behind it. Mind you, the board half down slows the sideways slide; right up, the boat blows about like a leaf. Right then, hove-to is a pause, not an anchor. Look up at the sail and at the shore every minute. Steady, lovely. Now again, and this time feel the boat.`,
    r: `The wind still pushes on the sails and hull, so a hove-to boat drifts slowly sideways and forwards, and is also carried by the tide.`,
  },
  {
    s: T3,
    q: `How do I get going again after heaving-to?`,
    a: `Easy, my lovely. Crew lets go of the backed jib sheet and pulls the jib in on the proper side, the leeward side. Helm straightens the tiller, sheets in the mainsail, and the boat bears away a little, fills and starts moving on a close reach. As she picks up speed, you head up to your course and trim properly. Mark me, do it in that order: jib across first, then tiller, then main. If you sheet in the main while the jib is still backed and the tiller is still over, the boat spins round and tacks herself, or sits there confused. Feel her come alive as the sails fill. Look round before you go, of course, because while you were hove-to the other boats kept moving. Right then, jib, tiller, main, and away. Steady, you have done it.`,
    r: `In most situations, release the backed jib and sheet it on the correct side, straighten the tiller and sheet in the main to sail away. Conditions on the day should also be considered.`,
  },
  {
    s: T3,
    q: `What is lying-to and how is it different from heaving-to?`,
    a: `Lying-to is the simple stop, my lovely: sit the boat on a close reach and let both sheets go, so both sails flap and she stops, side on to the wind. Quick, no tack needed. But it is not restful: the sails flog, the boom bangs about, the boat drifts and turns, and you keep steering with the tiller so she does not bear away and fill. Heaving-to sets the backed jib against the tiller, so the boat sits balanced and quiet, the sails not flogging, and she looks after herself. Mark me, lie-to for a few seconds, picking up a mooring or a person; heave-to for a few minutes, to rest or reef. Feel the difference in the noise alone. Right then, try one, then the other, and tell me which you would eat your lunch in. Steady, lovely. Mark me, the boat always tells you; you only have to feel for it.`,
    r: `Lying-to means letting both sails flap on a close reach; heaving-to uses a backed jib balanced against the rudder and is more stable.`,
  },

  // ---- chapter-02 / topic-02: landing alongside (one example only) ----
  {
    s: T4,
    q: `How do I come alongside a pontoon?`,
    a: `Right then, slowly, my lovely, and into the wind or the tide, whichever is stronger. Look at the moored boats: they point into the stronger one, so you do what they do. Plan to arrive on a close reach, so you can ease the sheets to spill wind from the sail and slow down, and sheet in to speed up. Mark me, aim for a spot on the pontoon, ease the sheets three or four boat lengths out, and let the boat glide in at walking pace. Too fast? Ease more, or head up with the tiller. Too slow? Sheet in a touch. Your crew steps ashore from the middle of the boat with the painter, and never jumps. Feel the boat slow; look at the pontoon, not your feet. Mind you, if the wind blows onto the pontoon, drop the mainsail first and come in under jib. Steady, lovely.`,
    r: `Approach slowly into the wind or tide, on a close reach so you can control speed with the sails, and step ashore with the painter.`,
  },

  // ---- unit-02's own material: manoeuvres in general ----
  {
    s: U2,
    q: `Why do you make us practise tacks and gybes on land first?`,
    a: `Because on the grass nothing flaps, nothing heels and nobody gets wet, my lovely, so your brain can learn the order and your body can learn the moves without the wind shouting at you. We sit a boat on her trolley, head to wind, and you tack her forty times: look, call, push the tiller, duck the boom, cross facing forward, swap hands, sit. Then forty gybes. Mark me, by the time you are on the water your hands already know what to do, and you have room in your head to feel the boat and look at the sail. Mind you, the grass does not teach you timing. That only the water does. Feel it on land, then feel it afloat. Right then, everyone on the bench: "Ready about!" "Ready!" "Lee-oh!" And cross. My father taught me to tack in our kitchen with a broom handle for a tiller.`,
    r: `Practising on land lets you learn the sequence of movements without the pressure of wind and waves.`,
  },
  {
    s: U2,
    q: `How do I choose between tacking and gybing to turn around?`,
    a: `Look at the wind and the room you have, my lovely. In a light or moderate wind, with room, either will do: if you are heading upwind, tack; if you are heading downwind, gybe, because that is the shorter turn. In a strong wind, the tack is the safe turn, because the sails go soft and the boom comes across slowly; the gybe is the risky one, so if you are running in a big breeze and need to turn round, you can head up, tack and bear away again, the long way round, and nobody gets hurt. Mark me, a slow safe turn beats a quick capsize every time. Feel the wind on your face: if you are struggling to hold the boat flat on the reach, you do not gybe. Mind you, in a tight space near moorings, a gybe needs more room behind you. Right then, look, think, choose, call.`,
    r: `It is important to tack when heading upwind and gybe when heading downwind in moderate winds. In strong wind, prefer tacking as it is safer. Practice will make this easier over time.`,
  },
  {
    s: U2,
    q: `What is a figure-of-eight course for?`,
    a: `It is the whole sailing course in one loop, my lovely. Set two buoys on a beam reach apart, and sail round them in a figure of eight: you reach, head up and tack round one buoy, reach back, bear away and gybe round the other. In ten minutes you have steered every point of sail, trimmed the sail in and out, tacked, gybed and balanced the boat through all of it. Mark me, do it twenty times and you have done more sailing than most people do in a month of pottering. Feel the rhythm: sheet in, tiller over, sheet out, tiller back. Look at the tell-tales on each leg and at the wind on the water between the buoys. Mind you, go slowly the first few laps and think; go smoothly the next few; only then go fast. Right then, buoys out, and off you go. I will be counting your tacks from the pontoon.`,
    r: `A figure-of-eight around two buoys practises all the points of sail, tacking and gybing in a short repeated course.`,
  },
  {
    s: U2,
    q: `How do I practise manoeuvres without a coach?`,
    a: `Set yourself a task and a mark, my lovely, and count. Ten tacks in a row between two moorings, each one started from full speed and finished close-hauled. Ten gybes round a buoy, each with the tiller straightened the moment the boom crosses. Stop beside a mooring buoy five times and hold the boat there for ten seconds. Heave-to, count to sixty, sail off. Mark me, the count keeps you honest and the mark makes you steer. Say everything out loud, the calls too, even single-handed, because words make habits. Feel each one and notice which went badly, then do three more of those. Mind you, pick a gentle day and stay near the club so someone can see you. Right then, write your counts in a notebook after each sail; after a month, look back at the first page and laugh. My father's notebooks were all tide times and swear words.`,
    r: `As a general guideline, set yourself repeated tasks such as consecutive tacks, gybes and stops, count them, and record your progress after each session. If unsure, ask an instructor for advice.`,
  },
  {
    s: U2,
    q: `What should I do after a bad tack?`,
    a: `Laugh, breathe and sail on, my lovely. A bad tack is a boat in irons, a crew on the wrong side or a tangled sheet, and every one of them is fixable. First, get the boat sailing again: if she is stuck head to wind, use the boom and tiller to get out of irons; if she is heeled over, ease the mainsheet. Then get your speed back on a close-hauled course. Only then, when she is moving and steady, think about what went wrong: too little speed? tiller straightened too early? crew not ready? Mark me, don't replay it while you are still in trouble, fix the boat first. Feel her settle, look up at the sail, and do another tack straight away while you remember what you want to change. Mind you, we all do bad tacks; I did one yesterday in front of the commodore. Right then, again. Steady, lovely.`,
    r: `Get the boat moving again first, then think about what caused the problem and try another tack straight away.`,
  },
  {
    s: U2,
    q: `How do I sail backwards?`,
    a: `You push the boom out against the wind, my lovely, and the wind pushes the boat backwards, though only a bold helm calls it sailing. Head to wind, stopped, push the boom right out to one side, hold it there with your hand, and the wind fills the back of the sail and starts her moving astern. Now the rudder works backwards: the stern goes the way the rudder blade points, so push the tiller the opposite way from how you steer going forwards, and keep it small and gentle, because a rudder going backwards can slam over hard. Mark me, we only do it to get out of a tight spot, backing away from a pontoon or a mooring. Feel the tiller try to snatch out of your hand and hold it firmly. Mind you, look behind you. Right then, boom out, gently back, then let the boom go, bear away and sail forwards like a Christian. Steady.`,
    r: `Most sailing schools teach you to push the boom out against the wind so the boat moves backwards, steering carefully because the rudder works in reverse. Every situation is a little different.`,
  },
];
