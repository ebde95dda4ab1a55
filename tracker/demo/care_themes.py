"""The demo's first five themes: GP access, mental health, leaving hospital,
waiting for treatment and urgent care.

Invented, like every word pool of the demo (see tracker/demo/words.py).
"""

from __future__ import annotations

from tracker.demo.wording import ThemeText, commitment, issue
from tracker.models import PartnerKind

CARE_THEMES: tuple[ThemeText, ...] = (
    ThemeText(
        name="GP access",
        slug="gp-access",
        phrase="getting a GP appointment",
        description=(
            "Booking and getting appointments with GP practices, by phone, online and in person."
        ),
        lead_roles={
            PartnerKind.PRIMARY_CARE: "Clinical Director",
            PartnerKind.ICB: "Director of Primary Care",
        },
        issues=(
            issue(
                "It takes too long to get a GP appointment by phone",
                "People in {area} told us they ring their practice at 8am and wait in a queue "
                "for up to an hour, only to be told that all the appointments have gone. Many "
                "give up and go to A&E, or go without.",
                "I set an alarm for 8am and I'm still 30th in the queue.",
                "By the time I get through, there's nothing left for the day.",
                "I can't keep ringing from work, so I just don't bother.",
            ),
            issue(
                "Booking online is hard for people who are not online",
                "Residents in {area} said more and more appointments can only be booked "
                "online. Older people and people without a smartphone or data feel left behind.",
                "I don't have the internet. Am I supposed to just not be ill?",
                "My daughter books for me, but she lives two hours away.",
                "The app asks for things I don't understand.",
            ),
            issue(
                "People cannot see the same GP twice",
                "People with long-term conditions in {area} said they see a different "
                "clinician each time and have to tell their story again.",
                "I've explained my history four times this year.",
                "Nobody there knows me any more.",
                "Seeing the same doctor used to make all the difference.",
            ),
            issue(
                "Receptionists ask personal questions in front of other patients",
                "Residents told us they are asked why they need an appointment at the front "
                "desk, where others can hear. Some said this puts them off asking for help.",
                "I'm not going to say that out loud in a full waiting room.",
                "I understand they have to ask, but not like that.",
                "I just said it was nothing and went home.",
            ),
            issue(
                "It is hard to register with a GP after moving to the area",
                "People new to {area}, including families who have just arrived in the "
                "country, said practices asked for proof of address or ID they did not have.",
                "They told me to come back with a bill in my name.",
                "We were turned away three times.",
                "My children needed their jabs and we couldn't register.",
            ),
        ),
        commitments=(
            commitment(
                "Add a call-back option to every practice phone line",
                "Every practice in the network will offer a call-back, so people do not have "
                "to wait on hold. Callers keep their place in the queue and the practice rings "
                "them back.",
                "Fewer than 1 in 10 callers hang up before getting through, measured each month "
                "from the phone system.",
            ),
            commitment(
                "Keep appointments for people who cannot book online",
                "Each practice will keep a share of its daily appointments for people who ring "
                "or walk in, so booking online is never the only way.",
                "Every practice keeps at least a third of same-day appointments for phone and "
                "walk-in booking, checked each quarter.",
            ),
            commitment(
                "Offer a named GP to people with long-term conditions",
                "People with two or more long-term conditions will be offered a named GP, and "
                "their appointments booked with that GP wherever possible.",
                "Seven in ten of these patients see their named GP at most visits, measured from "
                "appointment records.",
            ),
            commitment(
                "Train reception teams to ask questions in private",
                "All reception staff will be trained in care navigation, and practices will "
                "offer a private space or a written form for people who do not want to speak "
                "at the desk.",
                "Every practice has a private option in place, confirmed by Healthwatch visits, "
                "and complaints about reception fall.",
            ),
            commitment(
                "Make sure nobody is asked for proof of address to register",
                "We will remind every practice that proof of address or ID is not needed to "
                "register with a GP, and check practice websites and forms.",
                "Mystery shopping finds no practice asking for proof of address before "
                "registering someone.",
            ),
        ),
    ),
    ThemeText(
        name="Mental health support",
        slug="mental-health",
        phrase="mental health support",
        description="Talking therapies, crisis care and support for people with mental ill health.",
        lead_roles={
            PartnerKind.NHS_TRUST: "Clinical Director for Mental Health",
            PartnerKind.ICB: "Director of Mental Health Commissioning",
            PartnerKind.VCFS: "Services Manager",
        },
        issues=(
            issue(
                "People wait months for talking therapy",
                "Residents in {area} said the wait between being referred for talking therapy "
                "and the first session is long, and nobody checks how they are while they wait.",
                "I was told six months. I didn't know if I'd make it that long.",
                "Nobody rang to see how I was doing.",
                "By the time they called, I'd moved house.",
            ),
            issue(
                "There is nowhere to go in a mental health crisis at night",
                "People told us that out of hours the only option is A&E, which is noisy and "
                "frightening when you are in crisis.",
                "A&E at 2am is the worst place to be when your head's like that.",
                "I waited nine hours on a plastic chair.",
                "We need somewhere calm to go.",
            ),
            issue(
                "Young people's mental health support stops suddenly at 18",
                "Young people and parents in {area} said support stops on the 18th birthday "
                "and adult services feel very different, with no plan for the move.",
                "On my birthday my support just stopped.",
                "Nobody explained what happens next.",
                "Adult services felt like starting again.",
            ),
            issue(
                "Therapy is not offered in languages other than English",
                "People said they were offered therapy only in English, or with a relative "
                "interpreting, which made it hard to talk openly.",
                "I can't talk about my feelings through my son.",
                "They said there was no interpreter for therapy.",
                "The leaflet was only in English.",
            ),
            issue(
                "Families are left out when someone they care for is unwell",
                "Family carers in {area} said they are not told what is happening when the "
                "person they care for is under mental health services, even though they are "
                "the ones coping at home.",
                "I'm the one at home with him at 3am, but nobody tells me anything.",
                "They said 'confidentiality' and put the phone down.",
                "I need to know what to look out for.",
            ),
        ),
        commitments=(
            commitment(
                "Contact everyone on the talking therapy waiting list every month",
                "A wellbeing practitioner will contact everyone waiting for talking therapy each "
                "month, check how they are and offer support while they wait.",
                "Everyone waiting longer than four weeks has a recorded contact each month.",
            ),
            commitment(
                "Open a crisis café in the evenings",
                "We will open a calm, staffed space in the evenings and at weekends, run with "
                "voluntary sector partners, as an alternative to A&E for people in crisis.",
                "The café is open five evenings a week, and A&E visits for mental health "
                "crisis fall.",
            ),
            commitment(
                "Plan the move to adult services from age 17",
                "Every young person in children's mental health services will have a plan for "
                "moving to adult services, agreed with them, by their 17th birthday.",
                "Nine in ten young people turning 18 have a plan in place six months before.",
            ),
            commitment(
                "Offer therapy with a professional interpreter",
                "Talking therapy will be offered with a trained interpreter in any language, and "
                "our leaflets will be translated into the languages most spoken locally.",
                "The number of therapy sessions with an interpreter, reported each quarter, "
                "rises from almost none.",
            ),
            commitment(
                "Involve carers in care plans, with the person's agreement",
                "Care teams will ask each person who their carer is and, if they agree, share "
                "the care plan and a contact number with that carer.",
                "More carers say they feel informed and involved in next year's carers' survey.",
            ),
        ),
    ),
    ThemeText(
        name="Leaving hospital",
        slug="leaving-hospital",
        phrase="leaving hospital",
        description="Going home or into care after a hospital stay, and the support that follows.",
        lead_roles={
            PartnerKind.NHS_TRUST: "Head of Discharge and Patient Flow",
            PartnerKind.LOCAL_AUTHORITY: "Director of Adult Social Services",
            PartnerKind.OTHER: "Head of Prevention",
        },
        issues=(
            issue(
                "People wait all day to leave hospital once they are told they can go",
                "Patients and families said they were told in the morning they could go home, "
                "but waited until the evening for medicines and transport.",
                "I sat in the discharge lounge from ten until seven.",
                "Nobody could tell us what we were waiting for.",
                "My dad was sent home in the dark, on his own.",
            ),
            issue(
                "Care at home is not ready when people leave hospital",
                "Families in {area} told us people were sent home before care visits or "
                "equipment were in place.",
                "The bed arrived three days after she did.",
                "We had to take time off work to cover the care.",
                "Nobody came on the first night.",
            ),
            issue(
                "Families are not told when their relative is going home",
                "Relatives said they found out about a discharge when the person arrived home, "
                "or when the ward rang asking them to collect them within the hour.",
                "I got a call at work saying come now.",
                "Mum was home before I'd even bought any food in.",
                "Just a day's warning would have made all the difference.",
            ),
            issue(
                "People go home to housing that is not safe for them",
                "People in {area} said they went home to places they could not move around "
                "safely, such as upstairs flats with no lift.",
                "I couldn't get up the stairs to my own bed.",
                "We were told to wait six months for a stairlift.",
                "I slept in my chair for weeks.",
            ),
            issue(
                "Nobody checks on people after they get home from hospital",
                "Older people and carers said that once they left hospital, nobody called to "
                "see how they were managing.",
                "I fell the second night and lay there till morning.",
                "One phone call would have done it.",
                "You're on your own once you're out of the door.",
            ),
        ),
        commitments=(
            commitment(
                "Have medicines ready the day before someone goes home",
                "Pharmacy teams will prepare medicines to take home the day before a planned "
                "discharge, so people can leave by midday.",
                "Six in ten planned discharges happen before midday.",
            ),
            commitment(
                "Start care at home on the day people leave hospital",
                "Hospital and council teams will book home care and equipment before discharge "
                "and check that it is in place on the day.",
                "Nine in ten people who need care at home have their first visit on the day "
                "they leave.",
            ),
            commitment(
                "Tell families about discharge plans at least a day ahead",
                "Wards will agree a discharge date with the patient and, if they wish, their "
                "family, and confirm it at least 24 hours ahead.",
                "Eight in ten families say in our survey that they were told a day or more before.",
            ),
            commitment(
                "Fit small home adaptations within a week of a referral",
                "Housing and council teams will fit small adaptations, such as grab rails and "
                "key safes, within seven days of a referral from the ward.",
                "Half of all adaptations are fitted within seven days of referral.",
            ),
            commitment(
                "Phone everyone over 75 within two days of going home",
                "A nurse or care coordinator will phone people aged over 75 within two days of "
                "leaving hospital to check they are managing.",
                "Eight in ten people over 75 get a call within 48 hours, and fewer go back into "
                "hospital within 30 days.",
            ),
        ),
    ),
    ThemeText(
        name="Waiting for treatment",
        slug="waiting-for-treatment",
        phrase="waiting for planned treatment",
        description="Waiting lists for operations, tests and outpatient appointments.",
        lead_roles={
            PartnerKind.NHS_TRUST: "Divisional Director for Planned Care",
            PartnerKind.ICB: "Director of Planned Care",
        },
        issues=(
            issue(
                "People on waiting lists are not told how long they will wait",
                "Residents said they were put on a waiting list and then heard nothing, with no "
                "idea whether to expect weeks or years.",
                "I just want to know roughly when, so I can plan my life.",
                "I rang three times and nobody could tell me.",
                "Not knowing is worse than the wait.",
            ),
            issue(
                "Appointment letters arrive after the appointment",
                "People in {area} told us letters about hospital appointments sometimes arrive "
                "after the date, and they are then marked as having missed it.",
                "The letter came the day after.",
                "They said I'd been discharged for not attending.",
                "Why can't they just text me?",
            ),
            issue(
                "People's health gets worse while they wait for an operation",
                "People waiting for hip and knee operations said their pain and mobility got "
                "worse while they waited, and they did not know where to get help.",
                "I've gone from walking the dog to barely getting to the shop.",
                "I'm on more painkillers than ever.",
                "Nobody tells you how to keep yourself going while you wait.",
            ),
            issue(
                "Hospital appointments are hard to change",
                "Residents said changing an appointment means ringing a number that is always "
                "busy, so some simply do not turn up.",
                "I tried for two days to rearrange.",
                "I work shifts; I can't always make a Tuesday morning.",
                "In the end I just didn't go.",
            ),
            issue(
                "People are sent to hospitals far away for treatment",
                "People in {area} said they were offered treatment at hospitals more than an "
                "hour away without being asked if they could get there.",
                "It's two buses and a train. I don't drive.",
                "Nobody asked whether I could get there.",
                "The cost of the taxi was more than I get in a week.",
            ),
        ),
        commitments=(
            commitment(
                "Tell everyone on a waiting list how long they are likely to wait",
                "Everyone on a waiting list will get a letter or text with their likely wait, "
                "updated every three months, and a number to call with questions.",
                "Every patient waiting more than 18 weeks has had an update in the last three "
                "months.",
            ),
            commitment(
                "Send appointment details by text as well as by letter",
                "Appointment details will be sent by text message as soon as they are booked, "
                "with the letter following.",
                "Missed appointments fall by a fifth compared with last year.",
            ),
            commitment(
                "Offer support to stay well while waiting for an operation",
                "People waiting for joint operations will be offered exercise classes, pain "
                "advice and a named contact while they wait.",
                "Half of people waiting take up the offer, and their reported pain scores hold "
                "steady or improve.",
            ),
            commitment(
                "Let people change appointments by text or online",
                "People will be able to change or cancel an outpatient appointment by replying "
                "to a text or using a web form, as well as by phone.",
                "A third of changes are made by text or online, and the phone line answers "
                "calls faster.",
            ),
            commitment(
                "Help with travel when treatment is far from home",
                "Before offering treatment at a distant hospital, staff will ask about travel "
                "and explain the help with costs that is available.",
                "Everyone offered treatment more than 20 miles away is asked about travel, "
                "checked in a quarterly audit.",
            ),
        ),
    ),
    ThemeText(
        name="Urgent and emergency care",
        slug="urgent-and-emergency-care",
        phrase="urgent and emergency care",
        description="A&E, urgent treatment centres, NHS 111 and ambulances.",
        lead_roles={
            PartnerKind.NHS_TRUST: "Chief Operating Officer",
            PartnerKind.ICB: "Head of Urgent and Emergency Care",
        },
        issues=(
            issue(
                "Older people wait too long in A&E",
                "Families said their older relatives waited many hours in A&E on trolleys or "
                "hard chairs, often without food or drink.",
                "Gran was there fourteen hours and nobody offered her a cup of tea.",
                "She's 91. She can't sit on a plastic chair all night.",
                "The staff were lovely but there just weren't enough of them.",
            ),
            issue(
                "People do not know where to go for urgent help",
                "Residents in {area} said they were unsure whether to call 111, see a "
                "pharmacist, go to the urgent treatment centre or go to A&E.",
                "There's so many options now, I just go to A&E to be safe.",
                "I didn't know the pharmacy could help with that.",
                "111 told me one thing and the GP another.",
            ),
            issue(
                "Ambulances take too long to reach villages",
                "People living in villages around {area} said they waited a long time for an "
                "ambulance, and some were driven to hospital by neighbours instead.",
                "We waited three hours and then a neighbour drove him in.",
                "Out here you feel forgotten.",
                "It's a long way to the nearest station.",
            ),
            issue(
                "The urgent treatment centre closes too early",
                "Residents said the urgent treatment centre shuts at 8pm, so in the evening the "
                "only choice is a long wait in A&E.",
                "Kids always get ill at bedtime, don't they?",
                "It shut just as we got there.",
                "We ended up in A&E for a sprained wrist.",
            ),
            issue(
                "A&E is too loud and bright for autistic people",
                "Autistic people and their families told us the A&E waiting room is "
                "overwhelming, and some left before being seen.",
                "My son couldn't cope with the noise and we had to leave.",
                "There's nowhere quiet to wait.",
                "A simple side room would make all the difference.",
            ),
        ),
        commitments=(
            commitment(
                "Open a separate area in A&E for frail older people",
                "A dedicated area with proper chairs, food, drink and specialist staff will care "
                "for frail older people while they wait.",
                "Older people spend less time in A&E, and fewer than 5 in 100 wait over 12 hours.",
            ),
            commitment(
                "Run a campaign on where to go for urgent help",
                "A campaign in community languages, through GP practices, schools and local "
                "radio, will explain what pharmacies, 111 and urgent treatment centres can do.",
                "More people in our residents' survey say they know where to go, and A&E visits "
                "for minor problems fall.",
            ),
            commitment(
                "Train community first responders in villages",
                "We will recruit and train volunteer first responders in outlying villages so "
                "someone can help quickly while an ambulance is on its way.",
                "Every village more than ten miles from an ambulance station has trained "
                "responders.",
            ),
            commitment(
                "Keep the urgent treatment centre open until 10pm",
                "The urgent treatment centre will stay open until 10pm every day, with a GP on "
                "site in the evenings.",
                "The centre sees more people after 8pm, and evening A&E visits for minor "
                "injuries fall.",
            ),
            commitment(
                "Create a quiet waiting space in the emergency department",
                "A quiet room with low lighting will be available for autistic people and anyone "
                "who finds the main waiting room too much.",
                "The room is in use every day, and fewer people leave before being seen.",
            ),
        ),
    ),
)
