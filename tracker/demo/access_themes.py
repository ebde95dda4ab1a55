"""The demo's other five themes: getting to appointments, information and
interpreting, dental care, carers and children's health.

Invented, like every word pool of the demo (see tracker/demo/words.py).
"""

from __future__ import annotations

from tracker.demo.wording import ThemeText, commitment, issue
from tracker.models import PartnerKind

ACCESS_THEMES: tuple[ThemeText, ...] = (
    ThemeText(
        name="Getting to appointments",
        slug="getting-to-appointments",
        phrase="getting to appointments",
        description="Buses, parking, patient transport and community transport to health services.",
        lead_roles={
            PartnerKind.LOCAL_AUTHORITY: "Head of Transport Planning",
            PartnerKind.NHS_TRUST: "Director of Estates and Facilities",
            PartnerKind.VCFS: "Chief Executive",
        },
        issues=(
            issue(
                "There is no bus to the hospital from the villages",
                "People living around {area} said there is no direct bus to the hospital, and "
                "a morning appointment can take most of the day.",
                "It's two hours each way for a ten-minute appointment.",
                "The last bus back is at four.",
                "I have to pay for a taxi every time.",
            ),
            issue(
                "Hospital parking costs too much for regular visitors",
                "Carers and people visiting relatives every day said parking charges add up to "
                "a large amount over a long stay.",
                "I paid over a hundred pounds in parking while Mum was in.",
                "I'm visiting every day, it's not a choice.",
                "The machines don't even take cards half the time.",
            ),
            issue(
                "It is hard to find out who can get patient transport",
                "Residents in {area} said the rules for free patient transport are confusing, "
                "and they were turned down without being told why.",
                "I was told I didn't qualify but not why.",
                "Nobody mentioned it until I'd already missed two appointments.",
                "The form is impossible.",
            ),
            issue(
                "Community transport must be booked weeks ahead",
                "People who rely on community transport said they must book weeks in advance, "
                "which does not work for appointments made at short notice.",
                "The GP gave me an appointment for tomorrow, and the minibus was full.",
                "You need two weeks' notice. Illness doesn't give you that.",
                "The drivers are wonderful, there just aren't enough of them.",
            ),
            issue(
                "Disabled parking at the hospital is always full",
                "Disabled people said the blue badge bays near the main entrance are always "
                "taken, and the other car parks are too far to walk from.",
                "I went round for forty minutes and missed my slot.",
                "The nearest free space was right at the back.",
                "There's no drop-off point near the door.",
            ),
        ),
        commitments=(
            commitment(
                "Run a weekday bus from the villages to the hospital",
                "We will fund a bus service from outlying villages to the hospital, timed to "
                "fit morning and afternoon clinics.",
                "The bus carries at least 200 passengers a month within six months of starting.",
            ),
            commitment(
                "Offer free parking to carers and frequent visitors",
                "Carers and people visiting a relative for more than three days will be offered "
                "a free parking permit.",
                "Permits issued each month, and fewer complaints about parking charges.",
            ),
            commitment(
                "Explain clearly who can get patient transport",
                "We will publish plain-English rules for patient transport, and everyone turned "
                "down will be told why and what else can help.",
                "Every refusal letter gives the reason and other options, checked each quarter.",
            ),
            commitment(
                "Fund community transport to take bookings in the same week",
                "Extra funding will pay for more drivers and a booking line that takes bookings "
                "for health appointments in the same week.",
                "Nine in ten bookings for health appointments are accepted, even at short notice.",
            ),
            commitment(
                "Add more disabled parking bays near the main entrance",
                "We will turn part of the main car park into blue badge bays and add a drop-off "
                "point by the entrance.",
                "At least 30 more blue badge bays, and a blue badge space free at most times in "
                "spot checks.",
            ),
        ),
    ),
    ThemeText(
        name="Information and interpreting",
        slug="information-and-interpreting",
        phrase="information and interpreting",
        description="Clear letters, accessible information and interpreters for every appointment.",
        lead_roles={
            PartnerKind.ICB: "Head of Communications and Engagement",
            PartnerKind.NHS_TRUST: "Head of Patient Experience",
        },
        issues=(
            issue(
                "Interpreters are not booked for appointments",
                "People whose first language is not English said interpreters were often not "
                "booked, so family members or children had to interpret.",
                "My ten-year-old had to tell me I had cancer.",
                "They said the interpreter didn't turn up, again.",
                "I nodded along but I didn't understand.",
            ),
            issue(
                "Letters are full of jargon",
                "Residents in {area} said letters from services use medical words and "
                "abbreviations they do not understand.",
                "I had to look up half the words.",
                "What is a 'PTL' and why am I on it?",
                "Just tell me plainly what's happening.",
            ),
            issue(
                "Deaf people cannot contact services without a phone",
                "Deaf BSL users said many services can only be contacted by phone, and BSL "
                "interpreters are rarely booked for appointments.",
                "I can't phone. So I can't book.",
                "They sent a letter in English. BSL is my language.",
                "I had to bring my hearing neighbour to interpret.",
            ),
            issue(
                "Information is not available in easy read",
                "People with a learning disability and their supporters said information about "
                "services and treatment is rarely in easy read.",
                "The leaflet was full of long words.",
                "I want to understand it myself, not have someone tell me.",
                "Pictures would help.",
            ),
            issue(
                "People are not told about changes to local services",
                "Residents in {area} said services moved or closed without them hearing about "
                "it, and they found out when they turned up.",
                "The clinic had moved and nobody told us.",
                "There was a notice on the door, that's all.",
                "We'd have said something if anyone had asked.",
            ),
        ),
        commitments=(
            commitment(
                "Book an interpreter whenever one is needed",
                "A person's need for an interpreter will be recorded once and an interpreter "
                "booked for every appointment after that.",
                "Interpreters are booked for nineteen in twenty appointments where one is "
                "recorded as needed.",
            ),
            commitment(
                "Rewrite standard letters in plain English",
                "Our 20 most-used patient letters will be rewritten in plain English, tested "
                "with residents and Healthwatch.",
                "All 20 letters rewritten and tested, and fewer calls asking what letters mean.",
            ),
            commitment(
                "Offer BSL video and text contact for every service",
                "Every service will offer a BSL video relay service and a text or email option "
                "for people who cannot use the phone.",
                "Every service lists a non-phone way to get in touch, and BSL interpreter "
                "bookings rise.",
            ),
            commitment(
                "Publish easy read versions of key information",
                "We will produce easy read versions of our most-used leaflets and letters, with "
                "a local self-advocacy group.",
                "At least 30 easy read documents published and checked by people with a "
                "learning disability.",
            ),
            commitment(
                "Tell residents about service changes before they happen",
                "Every planned change to where or when a service runs will be announced at "
                "least six weeks ahead, online, by letter and through community groups.",
                "No service change happens without six weeks' public notice, checked each quarter.",
            ),
        ),
    ),
    ThemeText(
        name="Dental care",
        slug="dental-care",
        phrase="NHS dental care",
        description="Finding an NHS dentist, check-ups and urgent dental treatment.",
        lead_roles={PartnerKind.ICB: "Head of Dental Commissioning"},
        issues=(
            issue(
                "No dentist in the area is taking on NHS patients",
                "People in {area} said they have rung every dental practice nearby and none is "
                "taking on new NHS patients.",
                "I've rung twelve practices. Not one.",
                "They'll see me privately next week, but I can't afford it.",
                "My whole family has no dentist now.",
            ),
            issue(
                "Children wait a long time for dental treatment",
                "Parents said their children waited many months for treatment, in some cases "
                "with toothache.",
                "She's six and she's had toothache since Christmas.",
                "We were told the wait for the children's clinic is over a year.",
                "He's missing school because of the pain.",
            ),
            issue(
                "People in pain cannot get an urgent dental appointment",
                "Residents said they could not get urgent help for dental pain, and some had "
                "pulled out their own teeth.",
                "I pulled it out myself with pliers.",
                "111 gave me a number that never answered.",
                "I ended up in A&E and they couldn't do anything.",
            ),
            issue(
                "Care home residents do not get dental check-ups",
                "Families and care home staff in {area} said residents rarely see a dentist, "
                "and problems are found late.",
                "Dad hasn't seen a dentist in four years.",
                "Nobody comes out to the home.",
                "He stopped eating and it turned out to be his teeth.",
            ),
            issue(
                "It is hard to find out which dentists are taking NHS patients",
                "People said the information online about which practices take NHS patients is "
                "out of date, so they waste time ringing round.",
                "The website said yes, the receptionist said no.",
                "There should be one up-to-date list.",
                "I spent a whole morning on the phone.",
            ),
        ),
        commitments=(
            commitment(
                "Pay for extra NHS dental sessions for new patients",
                "We will pay practices for extra NHS sessions set aside for people who do not "
                "have a dentist.",
                "At least 5,000 more people seen as new NHS patients in the year.",
            ),
            commitment(
                "Run supervised toothbrushing in nurseries and primary schools",
                "Nurseries and primary schools in the areas with the most tooth decay will run "
                "daily supervised toothbrushing.",
                "At least 60 settings taking part, and fewer children needing teeth taken out "
                "in hospital.",
            ),
            commitment(
                "Set up urgent dental appointments through NHS 111",
                "A set number of urgent dental appointments will be kept every day and booked "
                "through NHS 111.",
                "Everyone who calls 111 with urgent dental pain is offered an appointment within "
                "24 hours.",
            ),
            commitment(
                "Send a dental team to every care home once a year",
                "A community dental team will visit each care home once a year to check "
                "residents' teeth and train staff in mouth care.",
                "Every care home visited in the year, and mouth care plans in place for residents.",
            ),
            commitment(
                "Publish a weekly list of dentists taking NHS patients",
                "We will check with practices every week and publish a list of those taking on "
                "NHS patients, online and by phone.",
                "The list is updated every week, and Healthwatch spot checks find it accurate.",
            ),
        ),
    ),
    ThemeText(
        name="Support for carers",
        slug="support-for-carers",
        phrase="support for unpaid carers",
        description="Breaks, assessments, advice and recognition for unpaid carers.",
        lead_roles={
            PartnerKind.LOCAL_AUTHORITY: "Assistant Director for Adult Social Care",
            PartnerKind.VCFS: "Chief Executive",
        },
        issues=(
            issue(
                "Carers cannot get a break",
                "Unpaid carers in {area} said they have not had a break in years, and respite "
                "care is hard to find.",
                "I haven't had a night off in three years.",
                "If something happens to me, what happens to her?",
                "I just need a few hours to myself.",
            ),
            issue(
                "Carers' assessments take too long",
                "Carers said they waited months for a carer's assessment, and then heard "
                "nothing more.",
                "I asked for an assessment in March and I'm still waiting.",
                "They assessed me and then nothing happened.",
                "It's just another form.",
            ),
            issue(
                "GP practices do not know who is a carer",
                "Carers said their GP practice does not know they are a carer, so they miss out "
                "on flexible appointments and health checks.",
                "Nobody has ever asked me if I look after someone.",
                "I can't come at a fixed time, I can't leave him.",
                "I put my own health last.",
            ),
            issue(
                "Young carers are missed at school",
                "Young carers and their families in {area} said schools do not always know a "
                "child is caring for someone at home.",
                "My teachers think I'm just lazy.",
                "I'm up in the night with Mum, then in trouble for being late.",
                "Nobody at school knows.",
            ),
            issue(
                "Carers do not know what help is available",
                "Residents said there is help for carers but it is hard to find out about, and "
                "every service sends them somewhere else.",
                "I only found out about the carers' centre by chance.",
                "Everyone just gives you another number to ring.",
                "I wish someone had told me years ago.",
            ),
        ),
        commitments=(
            commitment(
                "Offer carers a short break within a month of asking",
                "Carers who ask for a break will be offered one within four weeks, from a few "
                "hours of sitting to a short stay.",
                "Nine in ten carers who ask are offered a break within 28 days.",
            ),
            commitment(
                "Complete carers' assessments within 28 days",
                "Carers' assessments will be completed within 28 days of asking, with a written "
                "support plan.",
                "Eight in ten assessments completed within 28 days, each with a support plan.",
            ),
            commitment(
                "Keep a carers' register at every GP practice",
                "Every practice will ask patients whether they are a carer and record it, so "
                "carers can get flexible appointments and health checks.",
                "The number of carers known to practices doubles within a year.",
            ),
            commitment(
                "Name a young carers' lead in every secondary school",
                "Every secondary school will have a trained young carers' lead, working with "
                "the young carers' service.",
                "Every secondary school has a named lead, and more young carers are referred for "
                "support.",
            ),
            commitment(
                "Open one phone line and website for carers",
                "A single carers' line and website will bring together all the help available, "
                "run by the carers' centre.",
                "The line answers four in five calls within a minute, and carers say in our "
                "survey they know where to go.",
            ),
        ),
    ),
    ThemeText(
        name="Children and young people's health",
        slug="children-and-young-peoples-health",
        phrase="children and young people's health",
        description="Health services for babies, children, young people and their families.",
        lead_roles={
            PartnerKind.NHS_TRUST: "Clinical Director for Children's Services",
            PartnerKind.LOCAL_AUTHORITY: "Director of Children's Services",
            PartnerKind.PRIMARY_CARE: "Clinical Director",
        },
        issues=(
            issue(
                "Families wait years for an autism or ADHD assessment",
                "Parents in {area} said they have waited years for an assessment, with little "
                "support in the meantime.",
                "He was referred in Year 2. He's now in Year 6.",
                "We're told to wait for the diagnosis before anything can help.",
                "I've had to give up work to cope.",
            ),
            issue(
                "Health visitors are hard to reach",
                "Parents of young children said it is hard to get hold of a health visitor and "
                "drop-in clinics have stopped.",
                "I had one visit after the birth and that was it.",
                "The number just goes to voicemail.",
                "I used to be able to pop in to get her weighed.",
            ),
            issue(
                "There are no health services where young people feel welcome",
                "Young people in {area} said they do not feel comfortable going to their GP "
                "about some things, and there is nowhere else to go.",
                "I don't want to go to the same GP as my mum.",
                "Somewhere you could just walk in after school.",
                "They talk to my parents, not to me.",
            ),
            issue(
                "Parents get no support while waiting for speech and language therapy",
                "Parents said their children waited many months for speech and language "
                "therapy, with no advice on what to do at home.",
                "Just tell me what I can do at home while we wait.",
                "By the time she was seen, she'd started school.",
                "We were given a leaflet and that was it.",
            ),
            issue(
                "Children with asthma end up in A&E",
                "Families in {area} said their children's asthma is not reviewed regularly, and "
                "they end up in A&E when it flares up.",
                "We've been to A&E four times this winter.",
                "Nobody has ever checked his inhaler technique.",
                "The school didn't have his plan.",
            ),
        ),
        commitments=(
            commitment(
                "Support families while they wait for an assessment",
                "Families waiting for an autism or ADHD assessment will be offered workshops, "
                "a named contact and help at school without waiting for a diagnosis.",
                "Every family on the waiting list is offered support, and three in four say it "
                "helped.",
            ),
            commitment(
                "Open a weekly health visitor drop-in at every family hub",
                "Health visitors will run a weekly drop-in at each family hub for weighing, "
                "advice and support.",
                "Every family hub has a weekly drop-in, and more parents see a health visitor "
                "when their baby is one.",
            ),
            commitment(
                "Run a young people's health drop-in after school",
                "A weekly drop-in for young people, with a nurse and youth worker, will run at "
                "the youth centre after school.",
                "At least 40 young people use the drop-in each month, and they rate it well.",
            ),
            commitment(
                "Run speech and language workshops for parents who are waiting",
                "Parents of children waiting for speech and language therapy will be offered "
                "workshops and activity packs to use at home.",
                "Seven in ten families waiting attend a workshop within six weeks of referral.",
            ),
            commitment(
                "Give every child with asthma an up-to-date asthma plan",
                "GP practices will review every child with asthma each year and share their "
                "asthma plan with their school.",
                "Nine in ten children with asthma have had a review in the last year, and A&E "
                "visits for asthma fall.",
            ),
        ),
    ),
)
