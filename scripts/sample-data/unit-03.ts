// Unit 3 of Peg's curriculum, "Weather and trouble": gusts, tides, capsize, and going wrong well.
import type { Example } from './types.ts';

const T1 = 'unit-03/chapter-01/topic-01';
const T2 = 'unit-03/chapter-01/topic-02';
const T3 = 'unit-03/chapter-02/topic-01';
const C2 = 'unit-03/chapter-02';
const U3 = 'unit-03';

export const UNIT_03: Example[] = [
  // ---- chapter-01 / topic-01: gusts and depowering ----
  {
    s: T1,
    q: `How do I see a gust coming?`,
    a: `Look upwind at the water, my lovely, not at your boat. A gust is a patch of stronger wind, and you see it on the water before you feel it on your face: a dark, ruffled patch, darker than the water round it, sliding towards you. Watch the boats upwind of you too: if they heel over, the gust will reach you in a few seconds. Mark me, you have time to get ready if you look. Feel the wind on your cheek freshen and swing a touch aft as it arrives. Right then, when you see a dark patch coming: crew gets her weight out, helm takes the mainsheet in her hand ready to ease, tiller hand soft. When the gust hits, the boat heels, you ease the sheet, you hike, and she stays flat and leaps forward. Then the gust passes, the boat sits up, and you come in and sheet in. Look, feel, ease, steady. Lovely.`,
    r: `According to standard practice, gusts appear as darker patches on the water upwind. Watch for them and for other boats heeling, then prepare to ease the sail. This takes some practice to get right.`,
  },
  {
    s: T1,
    q: `What should I do when a gust hits on a reach?`,
    a: `Ease the mainsheet and bear away a touch, my lovely, both together. On a reach the gust pushes the sail hard from the side, the boat heels, the tiller pulls, and she wants to round up into the wind. If you let her, she heels further and goes over. So you ease the sheet to spill the extra wind, and you steer slightly away from the wind with the tiller, which puts the gust more behind you and turns its push into speed. Mark me, on a reach you bear away in a gust; close-hauled you head up. Feel the boat stand up and take off. Then, as the gust passes, sheet in and come back to your course. Mind you, hike out as well, of course, your weight is free power. Right then, dark patch coming: weight out, sheet in your hand, tiller ready. Ease, bear away, whoosh. Steady. Lovely.`,
    r: `On a reach, ease the mainsheet and bear away slightly when a gust hits, then sheet back in as it passes.`,
  },
  {
    s: T1,
    q: `What should I do when a gust hits when I am close-hauled?`,
    a: `Close-hauled, you feather, my lovely: you head up a few degrees into the gust so the sail luffs a little at the front and spills the extra wind, while the boat keeps moving and keeps climbing upwind. Ease the mainsheet too if heading up is not enough, and hike out hard. Mark me, it is the opposite of a reach: upwind you head up in a gust, downwind and reaching you bear away. If you bear away close-hauled in a gust, the sail fills harder and the boat heels over even more. Feel the tiller pull, answer with a gentle push towards the sail, watch the luff of the jib just lift, and hold her there until the gust eases. Then bear away back to close-hauled and sheet in. Right then, gust, feather, hike, ease; lull, sheet in, come in. Look at the water, feel the wind, steady hands on tiller and sheet.`,
    r: `When close-hauled, head up slightly into the gust to let the sail luff a little, ease the mainsheet if needed, and hike out.`,
  },
  {
    s: T1,
    q: `How do I depower the sail in strong winds?`,
    a: `You flatten the sail and twist off the top, my lovely, so it makes less power and less heel. On the slipway: pull the outhaul on hard to flatten the bottom of the sail, pull the cunningham down until the creases in the luff just go, and put a reef in if the wind is truly up. Afloat: pull the kicker on firmly, which bends the mast and flattens the sail, then play the mainsheet, easing in every gust so the top of the sail twists off and spills the wind. Lift the centreboard a few inches on a reach so she slides rather than trips. Mark me, a flat sail and a flat boat are a fast boat in a blow. Feel the tiller go light as the sail stops overpowering her. Mind you, sit out hard, both of you, before you touch any string. Right then: outhaul, cunningham, kicker, ease. Look up at the sail: flat, lovely. Feel it? Steady the tiller now.`,
    r: `Perhaps the simplest answer is that to depower, tighten the outhaul, cunningham and kicker to flatten the sail, ease the mainsheet in gusts, and reef if needed. Conditions on the day should also be considered.`,
  },
  {
    s: T1,
    q: `Why does the boat round up into the wind in a gust?`,
    a: `Because a heeled boat steers herself towards the wind, my lovely. When the gust hits, the boat heels, the push of the sail moves out over the water, the shape of the hull in the water goes lopsided, and she wants to turn up into the wind, with the tiller pulling hard in your hand. That is weather helm gone too far, and if you let her, she rounds up, the sail flaps, and she stops or falls over. Mark me, you cannot out-steer it with the tiller alone, because a rudder at a big angle stalls and brakes. Take the cause away: ease the mainsheet, hike out, keep her flat. Feel the tiller go light again as she stands up. Mind you, more kicker and a flatter sail help her stay upright in the first place. Right then, flat boat, light tiller, sheet in your hand. Look at the water for the next gust. Steady.`,
    r: `There are several factors to consider. Heeling causes weather helm, which turns the boat into the wind. Ease the sail and keep the boat flat to prevent rounding up. Practice will make this easier over time.`,
  },
  {
    s: T1,
    q: `What is hiking and how do I do it?`,
    a: `Hiking is sitting out over the side of the boat to hold her flat, my lovely, your weight as far out to windward as you can get it. Tuck your feet under the toe straps, sit on the side deck with your bottom right on the edge, and lean your shoulders back out over the water, knees bent a little. The further out your weight, the more it levers against the sail. Mark me, hike before the gust arrives, not after she heels, and come in before the lull, or you will tip her to windward. Feel the boat through your backside: heel means go out, sitting up means come in. Mind you, hiking hurts your thighs after a while, that is normal. Keep the mainsheet in your front hand and the tiller in your back hand while you hike, you still trim and steer. Right then, feet in the straps, bottom on the edge, shoulders out. Steady, look at the wind.`,
    r: `Hiking means leaning out over the side with feet under the toe straps to keep the boat flat in stronger winds.`,
  },
  {
    s: T1,
    q: `What is a reef and when should I put one in?`,
    a: `A reef is making the sail smaller, my lovely, by rolling or tying down part of it, so you have less sail for the wind to push on. On our boats you roll the mainsail round the boom or tie in the reef points along the reef line. Put one in when you are spending more time easing the sheet than sailing, when you cannot hold the boat flat even hiking hard, or when the forecast says the wind is building. Mark me, the time to reef is the first time you think of it, and ashore if you can, because reefing afloat in a blow is twice the work. Feel the difference: a reefed boat stands up, the tiller goes light and you can enjoy the wind instead of fighting it. Mind you, heave-to to reef if you are already out. Right then, the old rule: if in doubt, reef. My father reefed on the beach and laughed at the men who didn't. Look up, feel the wind, ease the sheet.`,
    r: `In short, a reef reduces sail area. Reef when you are overpowered or expect stronger winds, preferably before going afloat. If unsure, ask an instructor for advice.`,
  },
  {
    s: T1,
    q: `What does the cunningham do?`,
    a: `The cunningham pulls down on the front edge of the mainsail, the luff, my lovely, through a little eye just above the boom. Pull it on and two things happen: the creases along the luff disappear, and the deepest part of the sail moves forward and the top of the sail flattens and opens. That makes the sail less powerful and easier to hold, so in a strong wind the cunningham goes on hard. In light wind you let it off until small creases just show along the luff, so the sail keeps its belly and its power. Mark me, the cunningham is a strong-wind string: beginners forget it is there, and then wonder why the boat is overpowered. Feel how the tiller gets lighter when you pull it on in a breeze. Mind you, the creases tell you: wrinkles in a light wind are fine, wrinkles in a blow mean pull. Right then, look at the luff of your sail and set it. Feel the boat. Look at the sail. Lovely.`,
    r: `Put simply, the cunningham tightens the luff of the mainsail, moving the draft forward and flattening the sail to reduce power in strong winds. Every situation is a little different.`,
  },
  {
    s: T1,
    q: `How do I sail downwind in a strong wind?`,
    a: `Carefully, my lovely, with your weight back and your eyes on the boom. Downwind in a breeze the boat surfs and rolls, and the danger is the accidental gybe and the death roll, where she rolls to windward and tips you in. Keep some centreboard down, a quarter or a third, to steady her. Put a little more kicker on so the boom cannot lift and the sail cannot twist and swing. Sit back a little so the bow does not dig into the wave ahead. Steer on a broad reach rather than a dead run, so the wind cannot get behind the sail. Mark me, when a gust hits downwind, bear away with it, and if she starts rolling from side to side, pull the mainsheet in a little, put a touch more board down and keep your weight low and in. Feel the wave lift the stern and go with it. Right then, look over your shoulder at the waves and the dark patches coming. Steady, lovely. Wind, sail, tiller, sheet: you feel them talk to each other.`,
    r: `Sail on a broad reach rather than a dead run, keep some centreboard down, use the kicker, and bear away in gusts.`,
  },
  {
    s: T1,
    q: `Why did we capsize to windward?`,
    a: `Because the wind left you, my lovely, and you didn't notice in time. You were both hiking hard in a gust, the gust passed or the wind shifted, the sail went light, and nothing was holding you up any more, so your weight pulled the boat over on top of you. It is the silliest capsize there is and everybody does it. Mark me, the cure is to feel the lull coming as much as the gust: watch the water ahead, and when a dark patch ends, be ready to come in off the side. Feel the boat start to come up in your backside, and move in smoothly and early, not all at once. Helm, sheet in as the wind drops, that gives the sail something to lean against. Mind you, a windward capsize on a run is the death roll, which is another story. Right then, wet, laughing, and wiser. Now, right the boat, and next time feel the wind go before your backside does.`,
    r: `A windward capsize happens when the wind suddenly drops and the crew's weight is still hiked out. Move inboard as the gust fades.`,
  },
  {
    s: T1,
    q: `What is a lift and what is a header?`,
    a: `They are wind shifts, my lovely, and they matter most when you are sailing close-hauled. A header is the wind shifting towards your bow: the luff of the sail lifts, the windward tell-tales flutter, and to keep the sail drawing you have to bear away, so you point lower, further from where you want to go. A lift is the wind shifting aft: the sail goes quiet and full, and you can head up and point higher, closer to your mark. Mark me, when you get a big header, it is often time to tack, because a header on one tack is a lift on the other. Feel the wind on your cheek move towards your nose for a header, back towards your ear for a lift. Look at the jib tell-tales and the compass of the shore. Right then: lifted, sail on and smile; headed, think about tacking. My father tacked on every header and beat the whole fleet. Steady, lovely, you have it now.`,
    r: `A header is a wind shift towards the bow that forces you to bear away; a lift is a shift aft that lets you point higher.`,
  },

  // ---- chapter-01 / topic-02: tides and currents (written in a textbook register: off-voice) ----
  {
    s: T2,
    q: `What causes the tides?`,
    a: `Tides are caused mainly by the gravitational pull of the Moon and, to a lesser extent, the Sun on the oceans. The Moon's attraction produces a bulge of sea level on the side of the Earth facing it, and a second bulge forms on the opposite side. As the Earth rotates, most coastal locations pass through both bulges, giving two high tides and two low tides in roughly a day, about twelve hours and twenty-five minutes apart. The exact pattern at any port is modified by the shape of the coastline, the depth of the sea bed and the size of the basin, which is why tidal ranges and times vary so much from place to place. Tide tables published for standard ports give the predicted times and heights of high and low tide, and secondary ports are calculated from them using published differences.`,
    r: `Tides are mostly caused by the wind. When the wind blows towards the land for a few hours it piles the water up against the coast and the level rises, and when it turns and blows offshore the water drains away again. Air pressure adds to it, since high pressure lifts the sea. That is why tide times change from day to day: they follow the weather, and on a calm day there is hardly any tide at all. The Moon has very little to do with it.`,
  },
  {
    s: T2,
    q: `What is the difference between spring tides and neap tides?`,
    a: `Spring tides occur shortly after new moon and full moon, when the Sun, Moon and Earth are aligned and their gravitational effects combine. They have the largest range: the highest high waters and the lowest low waters, and the strongest tidal streams. Neap tides occur shortly after the first and last quarters of the Moon, when the Sun and Moon act at right angles to each other. Neaps have the smallest range and the weakest streams. The cycle from springs to neaps and back takes about a fortnight, fourteen and three-quarter days. The term "spring" has nothing to do with the season; it refers to the tide springing up. For small-craft navigation the distinction matters because a stream that is barely noticeable at neaps may run at twice the rate at springs, and shallow areas that are navigable at low water neaps may dry at low water springs.`,
    r: `Spring tides are the tides of the spring months, March to May, when the weather warms up and the sea expands, so the water comes higher up the beach. Neap tides are the autumn and winter tides. Spring tides are actually the gentler ones because the weather is calmer in spring, while neaps bring the strong streams and the big ranges that make winter sailing difficult. You can work out which you have by looking at the calendar.`,
  },
  {
    s: T2,
    q: `What is the rule of twelfths?`,
    a: `The rule of twelfths is a method for estimating the height of the tide between high and low water. It assumes that the tide rises or falls over approximately six hours, and that the change in height in each successive hour is one twelfth, two twelfths, three twelfths, three twelfths, two twelfths and one twelfth of the total range. Thus the rate of change is slowest near high and low water and greatest in the third and fourth hours. For example, with a range of four metres, the level will change by approximately one third of a metre in the first hour, two thirds of a metre in the second and one metre in each of the third and fourth hours. The rule is an approximation and is less reliable in areas with irregular tidal curves, such as parts of the Solent, where a tidal curve should be used instead.`,
    r: `The rule of twelfths says the tide rises by the same amount every hour: one twelfth of the range each hour for twelve hours, so the water comes up steadily from low water to high water. That means the stream is the same strength all the time and you can sail at any point in the tide without worrying about it. It only goes wrong on very windy days when the wind pushes the water about, and then you just add a little extra.`,
  },
  {
    s: T2,
    q: `What is slack water?`,
    a: `Slack water is the period around the turn of the tide when the tidal stream is weak or absent before it reverses direction. In many estuaries and rivers it occurs near the times of high and low water, although on open coasts the turn of the stream may be displaced from the times of high and low water by several hours. The duration of slack water varies with location and with the size of the tide; it is generally longer at neaps than at springs. For dinghy sailors, slack water is the most favourable time to cross a channel with a strong stream, to launch or recover from a slipway exposed to the current, or to practise manoeuvres without the added complication of drift. Tidal stream atlases and the tidal diamonds on charts give the times of slack water relative to high water at a standard port.`,
    r: `Slack water is when the tide is running at its strongest, usually about halfway between high and low water, and it gets its name because the mooring lines go slack as the boats are pulled downstream. It is the worst time to launch a dinghy or to cross a channel, so it is better to wait until high or low water, when the stream is running at full speed in one direction and you know exactly where it will take you.`,
  },
  {
    s: T2,
    q: `What happens when the wind blows against the tide?`,
    a: `When the wind blows in the opposite direction to the tidal stream, the waves become shorter, steeper and more frequent than they would be for the same wind over still water. This is commonly described as wind against tide. The effect is particularly marked in estuaries, over shallow bars and around headlands, where streams are strongest, and can make conditions uncomfortable or hazardous for small craft even in a moderate wind. Conversely, when wind and tide run in the same direction the sea is smoother than the wind strength would suggest. Crews planning a passage should therefore consider the times at which the stream will turn, since conditions may change rapidly at the turn of the tide. A sheltered area that is pleasant at slack water may become rough within an hour once the stream begins to run against the wind.`,
    r: `When the wind blows against the tide, the two forces cancel each other out, so the water gets flatter and calmer than usual. This is the best time to go out in a small boat, especially in estuaries and off headlands, because the waves are smoothed away. When the wind and the tide go the same way, they add together and make the biggest waves, so that is the time to stay ashore.`,
  },
  {
    s: T2,
    q: `How does the tidal stream affect a dinghy's course?`,
    a: `A vessel moving through the water is also carried bodily by the water itself. The course and speed over the ground are therefore the combination of the course and speed through the water and the set and rate of the tidal stream. A dinghy steering directly towards a mark across a stream will be carried downstream of it unless the helmsman aims off upstream. The amount of allowance required can be judged by lining up the mark with a fixed object behind it, such as a tree or building on the far shore, and adjusting the heading until the two remain in line. Where the stream is strong relative to the dinghy's speed, particularly in light airs, it may be impossible to make progress against it at all, and an alternative route closer to the shore, where the stream is usually weaker, should be considered.`,
    r: `The tide does not really affect a dinghy's course. A dinghy is light and sits on top of the water, so it moves with the wind in its sail rather than with the water under it. If you point the bow at the mark you will get there, whatever the tide is doing, and there is no need to aim off or line things up on the shore. Only big ships with deep keels get pushed sideways by the tide.`,
  },
  {
    s: T2,
    q: `Where is the tidal stream weakest in a river?`,
    a: `In a river or estuary the stream is generally strongest in the deepest part of the channel and on the outside of bends, where the water is deeper and the flow is concentrated. It is weakest in the shallows, close to the banks and on the inside of bends, where friction with the bottom slows the flow. Eddies, in which the water may run in the opposite direction to the main stream, frequently form behind points, piers and moored vessels. A dinghy proceeding against the stream should therefore keep to the shallower water near the banks, taking care not to ground, while one proceeding with the stream should keep to the main channel to gain the maximum benefit. It is important to note that a foul stream of two knots may exceed the speed through the water of a small dinghy in light conditions, so planning around the tide is essential.`,
    r: `The stream is weakest out in the middle of the river, where the channel is deepest and the water has plenty of room, and strongest near the banks where it is squeezed into the shallows. So when you are going against the tide you should always keep to the deep channel in the middle, and when the tide is with you, hug the banks. The outside of a bend is usually the slackest water of all.`,
  },
  {
    s: T2,
    q: `What is the flood and what is the ebb?`,
    a: `The flood is the tidal stream that runs while the tide is rising, carrying water in towards the coast and up estuaries and rivers. The ebb is the stream that runs while the tide is falling, carrying water out towards the sea. In a river the ebb is often stronger than the flood, because the outgoing tidal water is joined by the river's own flow, particularly after heavy rain. The direction of the stream can be observed from the way moored vessels lie, from the wake that forms downstream of a buoy or post, and from floating debris. When the wind is light, moored craft lie to the stream rather than to the wind. Knowledge of whether the flood or the ebb is running, and how strongly, should form part of every launching decision, since it will determine how easily the dinghy can return to its starting point.`,
    r: `The flood is the tide going out, when the water floods out of the river into the sea, and the ebb is the tide coming in. In a river they are always exactly the same strength, so it makes no difference which one is running when you launch. You can tell which it is by looking at which way the moored boats point, because they always point in the direction the water is going.`,
  },
  {
    s: T2,
    q: `How do I find out the tide times for my sailing area?`,
    a: `Tide times and heights for standard ports are published in annual tide tables, nautical almanacs and on national hydrographic office websites, and many clubs display the day's times on a notice board. Times for secondary ports are derived from the nearest standard port by applying published time and height differences. Predictions should be checked for the correct time zone, since tables are often given in Universal Time and must be adjusted during summer time. Actual levels can differ from predictions because of atmospheric pressure and wind: high pressure tends to lower sea level, and a strong onshore wind can raise it. For planning a dinghy session, the relevant information is the time of high and low water, the range, whether the day is nearer springs or neaps, and the times at which the local streams turn.`,
    r: `Tide times are the same every day at the same place, so you only need to look them up once at the start of the season and write them down. High water is always at about the same time of day, and the height never changes much, so there is no need to check them before every sail. The time zone doesn't matter either, as tide tables already allow for summer time everywhere.`,
  },
  {
    s: T2,
    q: `Why does the club set the start line differently at low water?`,
    a: `At low water the area of navigable water in an estuary is reduced, and mud banks, sandbars and moorings that are covered at high water may dry or lie only just below the surface. The race officer will therefore position the start line and marks within the low-water channel, so that competitors are not led into shallow areas where centreboards and rudders may strike the bottom. In addition, the direction and strength of the stream at the start will differ from that at high water, which affects which end of the line is favoured and how quickly competitors drift across it before the signal. Competitors should study the course board carefully before launching, note any changes made for the state of tide, and check their own position relative to the line frequently during the starting sequence.`,
    r: `The start line is moved at low water so that the race officer has a better view of the boats from the committee boat. It has nothing to do with the depth of water or the direction of the tidal stream, which are the same at low water as at high water. You can ignore the course board, since the marks are always in the same place whatever the tide.`,
  },

  // ---- chapter-02 / topic-01: capsize recovery (short answers) ----
  {
    s: T3,
    q: `What is the first thing I do after capsizing?`,
    a: `Count heads, my lovely. Helm and crew shout to each other: "You all right?" Then stay with the boat, always, she floats and you don't need to. Let go of the mainsheet, look for the centreboard. Steady.`,
    r: `Check everyone is safe and stay with the boat.`,
  },
  {
    s: T3,
    q: `How do I right a capsized dinghy?`,
    a: `Right then: helm swims round the stern to the centreboard, crew stays in the water inside the boat, by the mainsheet. Helm climbs on the board near the hull, leans back on the jib sheet, and up she comes, scooping the crew in. Feel her come. Lovely.`,
    r: `Stand on the centreboard and lean back to pull the boat upright while the crew stays near the hull.`,
  },
  {
    s: T3,
    q: `What is the scoop method?`,
    a: `Your crew lies in the water inside the boat, floating by the thwart, while you right her from the board. As the boat comes up, she scoops your crew in. Mark me, one wet crew in the boat, who takes the tiller and the sheet and keeps her steady while you climb in to windward. Lovely.`,
    r: `The crew lies in the water inside the hull and is scooped in as the boat is righted.`,
  },
  {
    s: T3,
    q: `What if the boat turns completely upside down?`,
    a: `Inversion, my lovely: the mast points at the bottom. Stand on the gunwale, hold the board, lean back, and the boat comes up onto her side, sail on the water. Right her as usual. Mind you, in shallow water the mast can stick in the mud: lean, don't yank, and feel her come. Steady, lovely.`,
    r: `Stand on the edge of the upturned hull, pull on the centreboard to bring it onto its side, then right it normally.`,
  },
  {
    s: T3,
    q: `Why must I never swim away from a capsized boat?`,
    a: `Because the boat is easy to see and you are not, my lovely. A head in the water is a speck; a boat on her side is a raft. Mark me, the shore is always further than you think. Stay with your boat. Always. Steady.`,
    r: `The boat is more visible than a swimmer and the shore may be further than it looks.`,
  },
  {
    s: T3,
    q: `Should the mainsheet be cleated when I right the boat?`,
    a: `Never, my lovely. Uncleat the mainsheet and the jib sheets before you right her, or the sail fills the moment she comes up, she sails off without you, or goes straight over the other way. Loose sheets, sails flapping, steady boat.`,
    r: `No. Release the sheets before righting so the sails do not fill and capsize the boat again.`,
  },
  {
    s: T3,
    q: `Why does the boat capsize again as soon as I right it?`,
    a: `The wind got under your sail, my lovely. Swim the bow round into the wind first, so the sail comes up flapping, and your crew in the boat sits to windward to catch her. Feel the boat steady. Lovely.`,
    r: `The wind catches the sail as it lifts. Turn the bow into the wind before righting.`,
  },
  {
    s: T3,
    q: `What do I do if I am trapped under the sail?`,
    a: `Don't panic, my lovely, there is air under the sail. Put one hand up, lift the sail off your face, and walk your hands along it to the edge, feeling your way. Mark me, keep calm and keep moving towards the light and the water beyond the boom. Then shout. Steady.`,
    r: `Lift the sail with one hand to make an air pocket and move along it to the edge.`,
  },
  {
    s: T3,
    q: `How do I climb back into the boat after righting it?`,
    a: `Over the windward side near the shroud, my lovely, not the stern. Grab the toe strap, kick your legs up behind you like a seal, roll in on your tummy. Crew keeps her flat while you do it. Steady.`,
    r: `Climb in over the side near the shroud, kicking with your legs while the crew balances the boat.`,
  },

  // ---- chapter-02's own material: when it goes wrong ----
  {
    s: C2,
    q: `What do I do if someone falls overboard?`,
    a: `Right then, my lovely, shout "Man overboard!", throw them something that floats, and never take your eyes off them, point at them with your arm the whole time. Sail away on a beam reach for a few boat lengths, so you have room to come back under control. Tack round, then come back on a close reach, so you can ease the sheets and let the sails flap to slow down and sheet in to speed up. Aim to stop with the person by the windward shroud, on the windward side, so the boat drifts onto them gently and does not blow away from them. Mark me, lean in, grab them under the arms or by the buoyancy aid, and bring them in over the windward side near the shroud, not the stern. Feel the boat heel as they come in and keep her flat. Look at them, talk to them, keep them warm. Steady and calm beats fast and frantic.`,
    r: `Shout "man overboard", keep watching them, sail away on a beam reach, tack, return on a close reach and pick them up on the windward side.`,
  },
  {
    s: C2,
    q: `What should I do if the rudder breaks?`,
    a: `Steer with the sails and your weight, my lovely, and you already know how from our rudderless practice. First take the power off: ease the sheets and let the boat sit. Then think. To head up, sheet in the main, ease the jib and heel her to leeward. To bear away, ease the main, sheet in the jib and heel her to windward. Mark me, it is slow and clumsy but it works, and a paddle over the stern makes a fair rudder too. Feel the boat answer every small change. If you cannot steer her home, heave-to or drop the sails and wave both arms slowly above your head: that is the signal for help. Mind you, the safety boat will come. Right then, calm, sails, weight, paddle, wave. Look after your crew while you wait.`,
    r: `Steer using the sails and body weight or a paddle, and signal for help if you cannot get back.`,
  },
  {
    s: C2,
    q: `How do I signal that I need help?`,
    a: `Stand or kneel up in the boat, my lovely, stretch both arms out sideways and raise and lower them slowly, over and over. That is the distress signal every safety boat knows. Mind you, waving one arm cheerfully means "hello", and they will wave back. If you have a whistle on your buoyancy aid, three blasts. Mark me, signal early: the safety boat would far rather come out to a boat that did not need it than arrive late to one that did. Feel no shame about it, ever. Stay with the boat while you wait, keep your crew talking and warm, and if you are capsized, sit on the hull where you can be seen. Right then, practise it now, both of you: arms out, slowly up and down. Good. My father used his oilskin on an oar, which also works.`,
    r: `Generally speaking, raise and lower both arms slowly and repeatedly. Use a whistle if you have one, and stay with the boat. This takes some practice to get right.`,
  },
  {
    s: C2,
    q: `What should I do if the wind drops completely and I am far from the club?`,
    a: `Don't panic, my lovely, being becalmed is boring, not dangerous. First, look at the water for any dark patch of wind and sail towards it gently, with the sail eased and your weight forward and to leeward so the sail hangs in shape. Sit still, every bump shakes the wind out of the sail. Watch the tide: if it is carrying you the wrong way, get the paddle out, or work into the shallows where the stream is weaker. Mark me, if the tide is strong against you, anchor or hold on to a mooring buoy rather than drift further away. Feel the faintest breath on your wet finger held up. Mind you, the safety boat knows you are out there and will come round with a tow rope if the wind stays away. Right then, patience, a biscuit and a song. My father whistled for the wind, and sometimes it came.`,
    r: `It depends on the conditions, but in most cases you should look for areas of wind, sit still, use a paddle if needed, anchor if the tide is against you, and wait for a tow. Conditions on the day should also be considered.`,
  },

  // ---- unit-03's own material: judgement and weather ----
  {
    s: U3,
    q: `How do I decide whether to go sailing today?`,
    a: `Three questions, my lovely, and you answer them honestly. What is the wind doing, and what will it do? Look at the forecast, then look at the water and the flag. What is the tide doing while you are out? Will it carry you away, or bring you home? And what are you and your boat ready for? A wind that is a joy for me is a fright for a first-season sailor. Mark me, if any answer makes you uneasy, stay ashore, or sail in the sheltered bit with a reef in. Feel no shame about it: the sea will be there tomorrow. Tell someone ashore your plan and your return time. Mind you, look at the sky upwind too, a line of dark cloud is a squall on its way. Right then, decide on the slipway, not halfway round the course. My father said the best sailors are the ones who know when not to.`,
    r: `This is a common question among new sailors. Check the forecast, the tides and your own experience. If you are unsure, stay ashore or sail in a sheltered area. Practice will make this easier over time.`,
  },
  {
    s: U3,
    q: `What is a squall and what should I do if one is coming?`,
    a: `A squall is a sudden, violent gust under a dark cloud, my lovely, often with rain, and it can double the wind in a minute. You see it coming: a black line on the water upwind, the cloud above it low and dark, and a cold breath before it arrives. Mark me, act early. Reef if you have time, or drop the mainsail and sail on the jib alone. If you are out in the middle, heave-to or point into the wind and let the sails flap until it passes. Do not try to run in front of it with full sail: that is how boats capsize and masts break. Feel the air turn cold on your face, that is your last warning. Mind you, squalls pass quickly, ten minutes and it is sunshine again. Right then, look upwind, every few minutes, all afternoon. Steady. My father called them black-hats.`,
    r: `A squall is a sudden strong gust under a dark cloud. Reef or lower sails early, or heave-to until it passes.`,
  },
  {
    s: U3,
    q: `Why do you say the cold is more dangerous than the wind?`,
    a: `Because cold creeps up on you, my lovely, and the wind doesn't hide. Cold water takes heat from your body many times faster than cold air, and a cold sailor gets slow, clumsy and stupid before she notices: her fingers will not hold the sheet, she forgets which way the tiller goes, she makes bad choices. Mark me, most sailing trouble starts with someone cold and tired, not with a big wind. So dress for immersion, eat and drink, and come in before you are cold, not when. Feel your fingers: if you cannot do up your buoyancy aid zip, you should already be ashore. Watch your crew's face too: quiet and pale means cold. Mind you, the wind makes it worse on wet skin, which is why a spray top matters. Right then, warm sailors are good sailors. My father drank cocoa from a flask with a good deal of rum in it, which you will not.`,
    r: `Cold water causes loss of body heat quickly, leading to poor coordination and judgement. Dress properly and come ashore before getting cold.`,
  },
  {
    s: U3,
    q: `What is a lee shore and why is it dangerous?`,
    a: `A lee shore is a shore the wind is blowing onto, my lovely, and it is the one that sinks ships. If your boat stops, breaks or capsizes near a lee shore, the wind and the waves push you onto it, onto rocks, a wall or moored boats, and you have very little room or time to sort yourself out. Mark me, give a lee shore a wide berth and never sail close to it just to save a tack. Launching from a lee shore is hard too: the wind blows you straight back, so you may have to paddle out, or be towed, before you can sail. Coming in to a lee shore, drop the mainsail out at sea and come in under jib alone, slowly. Feel the wind on your back as you face the shore: that is a lee shore. Right then, look at the water where it meets the land: breaking waves mean a lee shore. Keep clear.`,
    r: `A lee shore is one that the wind blows towards. It is dangerous because a boat in trouble will be blown onto it.`,
  },
  {
    s: U3,
    q: `How do I read the sky for changes in the weather?`,
    a: `Look up and upwind, my lovely, and watch what the clouds are doing, not just what they look like. High, thin streaks of cloud thickening over the morning from the west often mean a front and more wind later in the day. Tall, towering clouds with dark flat bottoms building in the afternoon mean showers and squalls, with sudden gusts underneath them. A sky that clears suddenly behind a front often brings a sharp shift in the wind and a cold gusty breeze. Mark me, a change in the clouds is usually a change in the wind within a few hours. Feel the air too: a wind that turns cold and fresh is a change arriving. Mind you, the forecast is still your first friend, the sky is the second opinion. Right then, every time you look up at the sail, look at the sky behind it. My father said mackerel sky and mares' tails make tall ships carry low sails.`,
    r: `In most situations, watch cloud changes: thickening high cloud often brings a front and wind, while towering clouds bring showers and gusts. If unsure, ask an instructor for advice.`,
  },
  {
    s: U3,
    q: `What is the most important safety rule in dinghy sailing?`,
    a: `Stay with the boat, my lovely. Everything else in this course matters, but that one saves lives. A capsized dinghy floats, it is big and bright and easy to find, and it is something to hold on to and climb onto while help comes. A swimmer alone is a little head in a big sea. Mark me, every year somebody tries to swim for a shore that looks close, and the shore is always further, the water always colder, than it looks. Wear your buoyancy aid, zipped, always, because that is the other half of the same rule. Feel how the boat holds you up when she is on her side: trust her. Mind you, if the boat is drifting towards danger, a lee shore or rocks, you still stay with her and signal for help. Right then, say it back to me: stay with the boat. Again. Good. My father drilled that into me before he taught me to tack.`,
    r: `Always stay with the boat after a capsize, because it floats and is easier for rescuers to see than a swimmer.`,
  },
];
