"""English templates for the generated training split (see build.py)."""

# ruff: noqa: E501

PILLS = "pills|sleeping pills|my meds|the whole bottle|painkillers|antidepressants|the pills I saved|tablets"
PLACES = "the bridge|the roof|the edge of the roof|the tracks|the cliff|the parking garage roof|the ledge|the river"
WHEN = "tonight|tomorrow morning|this weekend|on friday|at midnight|after everyone is asleep|when my shift ends|after I post this|in an hour|on my birthday|by the end of the week"
WHO = "mom|dad|everyone|guys|my love|sis|bro|friends"
END = "{|.|...|!|}"
EMO = "{|💔|😞|🥀|🙏|🖤}"

T = [
    (
        "act_in_progress",
        "imminent",
        "{I just|already|I've already|just now I}{ took| swallowed| downed} {all of my|the whole bottle of|thirty|forty|every one of the} {"
        + PILLS
        + "}{, getting sleepy|, don't call anyone|, it's done|, feeling dizzy|}"
        + END,
    ),
    (
        "act_in_progress",
        "imminent",
        "{I'm|im|I am} {standing|sitting} on {"
        + PLACES
        + "} {right now|now|rn}{, it's windy|, one step left|, looking down|, nobody can stop me|}"
        + END
        + EMO,
    ),
    (
        "act_in_progress",
        "imminent",
        "{the charcoal is lit|windows are taped and the charcoal is burning|the car is running in the closed garage}{, getting sleepy|, goodbye|}"
        + END,
    ),
    (
        "act_in_progress",
        "imminent",
        "{cut too deep this time|the blade went in deep|cutting right now}{, it won't stop bleeding|, there's blood everywhere|, I don't want to stop it}"
        + END,
    ),
    (
        "act_in_progress",
        "imminent",
        "{the rope is around my neck|the noose is tied to the beam|the chair is in place and the rope is ready}{, sorry|, this is it|}"
        + END,
    ),
    (
        "act_in_progress",
        "imminent",
        "{walking into the sea|the water is up to my chest|I'm in the river now}{, it's so cold|, not turning back|}"
        + END,
    ),
    (
        "act_in_progress",
        "imminent",
        "{drank the bleach|drank the pesticide|took the rat poison}{, stomach burning|, don't tell my mom|}"
        + END,
    ),
    (
        "plan_with_means_time",
        "imminent",
        "{"
        + WHEN
        + "} {I'm jumping off "
        + "{the bridge|the roof}"
        + "|I'm taking all the pills|I'm doing it|I'll end it|is when I go|I'm going to the tracks|I'll use the rope}"
        + END
        + EMO,
    ),
    (
        "plan_with_means_time",
        "imminent",
        "{the pills are ready|I have the rope|the charcoal is in my car|got the blade}{, doing it|, it happens} {"
        + WHEN
        + "}"
        + END,
    ),
    (
        "plan_with_means_time",
        "imminent",
        "{tonight's the night|tonight is my last night|this is my last night}{, pills are next to me|, the rope is ready|, I picked the bridge|}"
        + END,
    ),
    (
        "plan",
        "plan",
        "{I've decided|I have made up my mind|I decided|my mind is made up}{, |: |. }{I'm going to kill myself|I'm ending my life|I'm not going to be around much longer|I'm going to die|it's time to go}"
        + END,
    ),
    (
        "plan",
        "plan",
        "{once|after} {the bills are paid|my cat is rehomed|exams are over|the kids are at their dad's} {I'm ending it|I'll kill myself|I'm done living|I'm gone}"
        + END,
    ),
    (
        "plan",
        "plan",
        "{wrote the note|my note is written|the letters to everyone are done|left a note on the desk}{, it's ready|, just need to pick a day|}"
        + END,
    ),
    (
        "method",
        "plan",
        "{how many|how much} {"
        + PILLS
        + "} {would it take to die|is lethal|to not wake up|would it take}?",
    ),
    (
        "method",
        "plan",
        "{what's the|which is the|what is the most} {least painful|quickest|most painless|surest} way to {die|kill myself|end it|go}?",
    ),
    (
        "method",
        "plan",
        "{how high|which floor} {does a building need to be|do you need} to {be sure|not survive|die}?",
    ),
    (
        "method",
        "plan",
        "{been|I've been|I keep} {saving up|stockpiling|hoarding|collecting} {my pills|my meds|sleeping pills}{ from different pharmacies| for months| for when I'm ready|}"
        + END,
    ),
    (
        "method",
        "plan",
        "{bought a rope|got a rope|ordered charcoal|bought a strong rope|got razor blades} {and hid it|today|for it|, nobody knows}"
        + END,
    ),
    (
        "method",
        "plan",
        "{found|picked} {a beam that can hold my weight|a bridge high enough|a quiet spot by the river|a roof with no fence}"
        + END,
    ),
    (
        "method",
        "plan",
        "{does drowning hurt|does it hurt to hang|how long does it take to bleed out|can you die from a bottle of sleeping pills}?",
    ),
    (
        "past_act",
        "plan",
        "{yesterday|last night|last week|this morning|two days ago} I {cut my wrist|cut myself again|took a bottle of pills|tried to hang myself|jumped into the river|overdosed}{, hoped it would be the end|, woke up in the hospital|, they found me|, didn't work|}"
        + END,
    ),
    (
        "past_act",
        "plan",
        "{they pumped my stomach|woke up in the ICU|the scars on my arms are fresh}{, why did they save me|, I still want to die|, nobody knows}"
        + END,
    ),
    (
        "past_act",
        "plan",
        "{cut again|relapsed and cut|burned myself again} {tonight|today|after school}{, felt calm|, it's the only thing that helps|}"
        + END,
    ),
    (
        "pact",
        "plan",
        "{anyone|is anyone|looking for someone|need someone} {want to go together|wanna die together|to do it with|to go with me}{?| this weekend?| near me?| dm me}",
    ),
    (
        "pact",
        "plan",
        "{let's|we should|wanna} {die together|go together|do it together|jump together}{, you and me|, I can't do it alone|}"
        + END,
    ),
    (
        "pact",
        "plan",
        "{add me to the group|can I join the group|count me in|I'm in}{, I want to go too|, I have enough pills for two|, same city}"
        + END,
    ),
    (
        "family_along",
        "plan",
        "{I'm taking|I'll take|if I go I'm taking} {my son|my daughter|the kids|my baby|my mom} with me{, can't leave them alone|, they'll suffer without me|}"
        + END,
    ),
    (
        "family_along",
        "plan",
        "{the kids and I|my daughter and I|we} {will go together|will both go|are leaving this world together}{, it's better for them|}"
        + END,
    ),
    (
        "farewell",
        "plan",
        "{goodbye forever|this is my last message|thank you all and goodbye|sorry "
        + "{mom|dad|everyone}"
        + ", I love you, goodbye|I won't be around anymore}"
        + END
        + EMO,
    ),
    (
        "farewell",
        "plan",
        "{please take care of my cat|please feed my dog|find my cat a good home}{, I won't need to|, I won't be here|, after I'm gone}"
        + END,
    ),
    (
        "farewell",
        "plan",
        "{gave away all my things|my passwords are in the notebook|bank details are in the drawer}{, I won't need them|, after I'm gone|}"
        + END,
    ),
    (
        "euphemism",
        "ideation",
        "{I just want to|I wish I could|sometimes I want to} {go to sleep and never wake up|disappear forever|not exist|unalive myself|be with grandma again|stop existing|fade away for good}"
        + END
        + EMO,
    ),
    (
        "euphemism",
        "ideation",
        "{if I didn't wake up tomorrow|if I was gone} {that would be fine|everyone would be better off|it would be a relief}"
        + END,
    ),
    (
        "euphemism",
        "ideation",
        "{kms|want to kms|thinking about ctb|sewerslide thoughts again|wanna unalive}{ fr|, not joking|, so tired|}"
        + END,
    ),
    (
        "hopelessness",
        "ideation",
        "{I feel|everything feels|it's all} {hopeless|pointless|meaningless}{, nothing will ever get better|, there's no way out|, why bother living|}"
        + END,
    ),
    (
        "hopelessness",
        "ideation",
        "{I'm just a burden|I'm a burden to everyone|everyone would be better off without me}{, I can't do this anymore|}"
        + END,
    ),
    (
        "hopelessness",
        "ideation",
        "{I can't go on|I can't keep going|I can't take it anymore}{, no future|, nothing left|, so tired of living}"
        + END,
    ),
    (
        "ideation",
        "ideation",
        "{I want to die|I wish I was dead|I don't want to live anymore|I keep thinking about suicide|I've been having suicidal thoughts|I'd rather be dead}{, every night|, lately|, so tired|}"
        + END
        + EMO,
    ),
    (
        "ideation",
        "ideation",
        "{s u i c i d a l|su1cidal|i w a n t t o d i e|suic1de|wanna d1e|k1ll myself}{ again| tonight|}"
        + END,
    ),
    (
        "short_reply",
        "ideation",
        "{same|me too|+1|same here|felt that}{, I want to die too|, don't want to live|, want to go too|, tired of living}"
        + END,
    ),
    (
        "short_reply",
        "plan",
        "{count me in|I'm in|dm me|me too}{, let's go together|, I have pills|, same city}" + END,
    ),
]

N = [
    (
        "benign",
        "none",
        "{this homework|this week|my commute|this heat} is {killing me|the death of me|murder}{ lol|, need a break|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{dying to see|I'm dying to try|can't wait to see} {the new movie|that restaurant|the concert}"
        + END,
    ),
    (
        "benign",
        "none",
        "{I'm dead|I'm deceased|I died} {lol|😂|laughing}{, that video|, my cat did it again|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{killed it|absolutely killed it|nailed it} at {the gig|the interview|the exam}" + END,
    ),
    (
        "benign",
        "none",
        "{just trying to|need to} kill time {at the airport|before the meeting|waiting for the bus}"
        + END,
    ),
    (
        "benign",
        "none",
        "{my phone|the laptop|the car battery} {died|is dead|keeps dying}{, need a charger|, can't submit the form|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{the drop tower|the roller coaster|the free fall ride} at {the theme park|the fair} {was terrifying|has a height limit|had a two hour queue}"
        + END,
    ),
    (
        "benign",
        "none",
        "{cut the grass|mowing the lawn|trimming the hedge} {this morning|all day|again}{, exhausted|, neighbour complained|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{the bridge|the overpass|the footbridge} {is closed for repairs|needs a railing|has no lights at night}{, please fix it|, very dangerous|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{my grandma|our neighbour|an old man in the village} {passed away|died} {last week|yesterday|peacefully}{, the funeral is on saturday|, we'll miss her|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{the news says|I read that} {a man drowned in the lake|there was a car crash on the highway|a worker fell from scaffolding}{, they need safety fences|, so sad|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{waited six hours in the ER|the hospital lost my results|the clinic wouldn't see me}{, the service is awful|, who do I complain to|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{how many|can I take two} {sleeping pills|ibuprofen|melatonin} {is the normal dose|with food|per day according to the label}?",
    ),
    (
        "benign",
        "none",
        "{last day at work|moving abroad|leaving the group chat}: {goodbye everyone|thanks for everything|keep in touch}{, see you around|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{giving away my furniture|selling my stuff|rehoming my plants} {before the move|because I'm moving to Berlin|this weekend}"
        + END,
    ),
    (
        "benign",
        "none",
        "{drowning in paperwork|drowning in emails|hanging out with friends|hang the picture on the wall}{ this week| today|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{suicide squeeze|suicide prevention week|suicide prevention hotline poster|suicide squad} {was great|is on monday|at the clinic|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{sugar overdose|caffeine overdose|overdosed on netflix} {this weekend|lol|}" + END,
    ),
    (
        "benign",
        "none",
        "{the streetlight|the drain|the elevator} has been broken for {weeks|months}{, the council won't fix it|, I'm so fed up|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{bungee jumping|skydiving|jump rope|the long jump} {was amazing|practice is at 6|competition this weekend}"
        + END,
    ),
    (
        "benign",
        "none",
        "{if they don't fix it|if nothing changes} I'll {complain to the mayor|go to the press|file a formal complaint}"
        + END,
    ),
    (
        "benign",
        "none",
        "{cut my finger|nicked my hand} {chopping onions|opening a box}{, just a plaster|, bled a bit|}"
        + END,
    ),
    (
        "benign",
        "none",
        "{ready to go?|let's go together|are we going together?} {the bus leaves at 8|to the hike|to the concert}",
    ),
]
