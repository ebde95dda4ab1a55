"""The demo's word pools: invented partners, places, communities, themes and what residents said.

Everything here is invented. Names of places and organisations are made up to sound
like England without being anywhere in it; quotes are the kind of thing residents
say, not things any real person said. The planner picks from these pools with its
seeded ``random.Random``, so changing a pool changes the demo's words, never its shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.models import EngagementKind, PartnerKind


def slug(name: str) -> str:
    """``name`` as the lower-case, hyphenated part of an address."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")


@dataclass(frozen=True)
class PartnerText:
    name: str
    slug: str
    kind: PartnerKind
    description: str


@dataclass(frozen=True)
class IssueWording:
    title: str
    summary: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class CommitmentWording:
    title: str
    description: str
    success_measure: str


@dataclass(frozen=True)
class ThemeText:
    name: str
    slug: str
    #: How the theme reads inside a sentence: "a survey about <phrase>".
    phrase: str
    description: str
    #: The kinds of partner that lead on this theme, and the job title that answers for it.
    lead_roles: dict[PartnerKind, str]
    issues: tuple[IssueWording, ...]
    commitments: tuple[CommitmentWording, ...]


@dataclass(frozen=True)
class CommunityText:
    name: str
    slug: str
    phrase: str
    description: str


@dataclass(frozen=True)
class EngagementWording:
    title: str
    summary: str
    #: Smallest and largest number taking part.
    participants: tuple[int, int]
    #: How long it ran in days, or None for a single day.
    days: tuple[int, int] | None
    #: Share held in one area (the rest cover the whole ICS).
    area_share: float
    #: Fewest and most communities it reached out to specially.
    communities: tuple[int, int]
    organisers: tuple[PartnerKind, ...]


def _partner(name: str, slug: str, kind: PartnerKind) -> PartnerText:
    return PartnerText(name, slug, kind, _PARTNER_DESCRIPTIONS[kind])


_PARTNER_DESCRIPTIONS = {
    PartnerKind.ICB: (
        "Plans and pays for NHS services across Riverside and Vale, and leads the "
        "partnership's work with residents."
    ),
    PartnerKind.NHS_TRUST: "Runs NHS hospital, community and specialist services.",
    PartnerKind.LOCAL_AUTHORITY: (
        "The local council: adult social care, public health, housing and transport."
    ),
    PartnerKind.PRIMARY_CARE: (
        "GP practices working together to share staff and services for their patients."
    ),
    PartnerKind.HEALTHWATCH: (
        "The independent champion for people who use health and care services."
    ),
    PartnerKind.VCFS: "A local charity working with and for residents.",
    PartnerKind.OTHER: "A public service that works with the NHS and councils on health.",
}

# The first eight cover every kind of partner, so the smallest demo shows them all.
PARTNERS: tuple[PartnerText, ...] = (
    _partner(
        "NHS Riverside and Vale Integrated Care Board", "riverside-and-vale-icb", PartnerKind.ICB
    ),
    _partner(
        "Riverside and Vale Hospitals NHS Foundation Trust",
        "riverside-and-vale-hospitals",
        PartnerKind.NHS_TRUST,
    ),
    _partner("Brackenford Borough Council", "brackenford-council", PartnerKind.LOCAL_AUTHORITY),
    _partner(
        "Brackenford North Primary Care Network", "brackenford-north-pcn", PartnerKind.PRIMARY_CARE
    ),
    _partner(
        "Healthwatch Riverside and Vale", "healthwatch-riverside-and-vale", PartnerKind.HEALTHWATCH
    ),
    _partner("Vale Carers Centre", "vale-carers-centre", PartnerKind.VCFS),
    _partner(
        "Vale Community and Mental Health NHS Trust",
        "vale-community-and-mental-health",
        PartnerKind.NHS_TRUST,
    ),
    _partner(
        "Riverside and Vale Fire and Rescue Service",
        "riverside-and-vale-fire-and-rescue",
        PartnerKind.OTHER,
    ),
    _partner("Sallowmere Borough Council", "sallowmere-council", PartnerKind.LOCAL_AUTHORITY),
    _partner(
        "Sallowmere Central Primary Care Network",
        "sallowmere-central-pcn",
        PartnerKind.PRIMARY_CARE,
    ),
    _partner(
        "Riverside and Vale Council for Voluntary Service",
        "riverside-and-vale-cvs",
        PartnerKind.VCFS,
    ),
    _partner(
        "Riverside and Vale Ambulance Service NHS Trust",
        "riverside-and-vale-ambulance",
        PartnerKind.NHS_TRUST,
    ),
    _partner(
        "Millbrook and Holloway Primary Care Network",
        "millbrook-and-holloway-pcn",
        PartnerKind.PRIMARY_CARE,
    ),
    _partner("Sallowmere Youth Trust", "sallowmere-youth-trust", PartnerKind.VCFS),
    _partner(
        "Brackenford and Sallowmere Housing Trust",
        "brackenford-and-sallowmere-housing",
        PartnerKind.OTHER,
    ),
    _partner("Riverside Faith Forum", "riverside-faith-forum", PartnerKind.VCFS),
    _partner(
        "Sallowmere Rural Primary Care Network", "sallowmere-rural-pcn", PartnerKind.PRIMARY_CARE
    ),
    _partner("Vale Disability Alliance", "vale-disability-alliance", PartnerKind.VCFS),
    _partner(
        "Brackenford Older People's Forum", "brackenford-older-peoples-forum", PartnerKind.VCFS
    ),
    _partner("Riverside and Vale Hospice", "riverside-and-vale-hospice", PartnerKind.VCFS),
    _partner("Kestlebury District Council", "kestlebury-council", PartnerKind.LOCAL_AUTHORITY),
    _partner(
        "Kestlebury Town Primary Care Network", "kestlebury-town-pcn", PartnerKind.PRIMARY_CARE
    ),
    _partner("Kestlebury Refugee Welcome", "kestlebury-refugee-welcome", PartnerKind.VCFS),
    _partner(
        "Vale Children's Hospital NHS Foundation Trust",
        "vale-childrens-hospital",
        PartnerKind.NHS_TRUST,
    ),
    _partner(
        "Kestlebury Villages Primary Care Network",
        "kestlebury-villages-pcn",
        PartnerKind.PRIMARY_CARE,
    ),
    _partner("Kestlebury Community Transport", "kestlebury-community-transport", PartnerKind.VCFS),
    _partner(
        "Riverside and Vale Food Partnership",
        "riverside-and-vale-food-partnership",
        PartnerKind.VCFS,
    ),
    _partner(
        "Riverside and Vale Active Partnership",
        "riverside-and-vale-active-partnership",
        PartnerKind.OTHER,
    ),
    _partner("Fenside Primary Care Network", "fenside-pcn", PartnerKind.PRIMARY_CARE),
    _partner("Traveller Voices Riverside", "traveller-voices-riverside", PartnerKind.VCFS),
    _partner("Lindenvale City Council", "lindenvale-council", PartnerKind.LOCAL_AUTHORITY),
    _partner("Healthwatch Lindenvale", "healthwatch-lindenvale", PartnerKind.HEALTHWATCH),
    _partner(
        "Lindenvale Central Primary Care Network",
        "lindenvale-central-pcn",
        PartnerKind.PRIMARY_CARE,
    ),
    _partner(
        "Lindenvale East Primary Care Network", "lindenvale-east-pcn", PartnerKind.PRIMARY_CARE
    ),
    _partner("Lindenvale Deaf Centre", "lindenvale-deaf-centre", PartnerKind.VCFS),
    _partner(
        "Lindenvale Mental Wellbeing Network", "lindenvale-mental-wellbeing", PartnerKind.VCFS
    ),
    _partner(
        "Riverside and Vale County Council",
        "riverside-and-vale-county-council",
        PartnerKind.LOCAL_AUTHORITY,
    ),
    _partner(
        "Lindenvale University Hospitals NHS Trust",
        "lindenvale-university-hospitals",
        PartnerKind.NHS_TRUST,
    ),
    _partner("Lindenvale Housing Partnership", "lindenvale-housing", PartnerKind.OTHER),
    _partner("Lindenvale Young Carers", "lindenvale-young-carers", PartnerKind.VCFS),
)

BOROUGHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Brackenford", ("Millbrook", "Holloway Green", "Brackenford Town Centre", "Stanner's Cross")),
    ("Sallowmere", ("Sallowmere Old Town", "Marsh End", "Kiln Lane", "Sallowmere Harbour")),
    ("Kestlebury", ("Kestlebury Town", "Orchard Hill", "Upper Wenlow", "Thistle Bank")),
    ("Lindenvale", ("Lindenvale City Centre", "Northgate", "Canal Side", "St Aldric's")),
)

#: Job titles for a partner's commitments on a theme it does not lead on.
ACCOUNTABLE_ROLES: dict[PartnerKind, tuple[str, ...]] = {
    PartnerKind.ICB: (
        "Director of Strategy and Partnerships",
        "Chief Nursing Officer",
        "Head of Communications and Engagement",
    ),
    PartnerKind.NHS_TRUST: (
        "Chief Operating Officer",
        "Director of Nursing",
        "Head of Patient Experience",
    ),
    PartnerKind.LOCAL_AUTHORITY: (
        "Director of Public Health",
        "Director of Adult Social Services",
        "Assistant Director for Communities",
    ),
    PartnerKind.PRIMARY_CARE: (
        "Clinical Director",
        "Primary Care Network Manager",
        "Social Prescribing Lead",
    ),
    PartnerKind.HEALTHWATCH: ("Healthwatch Manager", "Engagement Lead"),
    PartnerKind.VCFS: ("Chief Executive", "Services Manager", "Volunteer Coordinator"),
    PartnerKind.OTHER: ("Head of Prevention", "Director of Services", "Head of Partnerships"),
}

#: What partners promise beyond the main fix: going back to the people who raised it.
FOLLOW_UP_COMMITMENTS: tuple[CommitmentWording, ...] = (
    CommitmentWording(
        "Report back to residents every quarter on {phrase}",
        "We will go back to the community groups who raised this every three months to say "
        "what has changed, what has not, and why.",
        "A report-back session held every quarter, with the notes published on this site.",
    ),
    CommitmentWording(
        "Ask residents a year on whether {phrase} has got better",
        "A year after the changes, we will run a short survey and two listening sessions with "
        "the residents and groups who raised this, and publish what they tell us.",
        "Findings published, with responses from at least 150 residents, including the "
        "communities who first raised the issue.",
    ),
    CommitmentWording(
        "Involve residents in designing the changes to {phrase}",
        "Residents who raised this will be invited to join a design group that shapes the "
        "changes, with travel, childcare and their time paid for.",
        "A design group of at least eight residents meets at least four times, and its "
        "recommendations go to the partnership board.",
    ),
)

ENGAGEMENT_KINDS: dict[EngagementKind, int] = {
    EngagementKind.COMMUNITY_CONVERSATION: 30,
    EngagementKind.SURVEY: 15,
    EngagementKind.HEALTHWATCH_REPORT: 10,
    EngagementKind.CITIZENS_PANEL: 5,
    EngagementKind.EVENT: 15,
    EngagementKind.FOCUS_GROUP: 20,
    EngagementKind.OTHER: 5,
}

_GENERAL_ORGANISERS = (
    PartnerKind.ICB,
    PartnerKind.LOCAL_AUTHORITY,
    PartnerKind.VCFS,
    PartnerKind.HEALTHWATCH,
)

ENGAGEMENT_WORDING: dict[EngagementKind, EngagementWording] = {
    EngagementKind.COMMUNITY_CONVERSATION: EngagementWording(
        title="Community conversation at {place} {venue}",
        summary=(
            "An open conversation at {place} {venue} about what matters to local people "
            "in health and care, with staff from several partners there to listen."
        ),
        participants=(12, 60),
        days=None,
        area_share=1.0,
        communities=(0, 2),
        organisers=_GENERAL_ORGANISERS,
    ),
    EngagementKind.SURVEY: EngagementWording(
        title="{theme} survey, {month}",
        summary=(
            "An online and paper survey about {theme_phrase}. Paper copies were left in "
            "libraries, GP practices and community centres, and volunteers helped people "
            "to fill it in."
        ),
        participants=(150, 1400),
        days=(28, 56),
        area_share=0.3,
        communities=(0, 1),
        organisers=(PartnerKind.ICB, PartnerKind.NHS_TRUST, PartnerKind.LOCAL_AUTHORITY),
    ),
    EngagementKind.HEALTHWATCH_REPORT: EngagementWording(
        title="Healthwatch report: {theme_phrase} in {place}",
        summary=(
            "Healthwatch volunteers spoke to people using services, and their families, "
            "about {theme_phrase}, and visited services to see for themselves."
        ),
        participants=(40, 400),
        days=(42, 120),
        area_share=0.6,
        communities=(0, 2),
        organisers=(PartnerKind.HEALTHWATCH,),
    ),
    EngagementKind.CITIZENS_PANEL: EngagementWording(
        title="Citizens' panel on {theme_phrase}",
        summary=(
            "A panel of residents, chosen to reflect the people who live here, met over "
            "several sessions to hear evidence and make recommendations about {theme_phrase}."
        ),
        participants=(20, 40),
        days=(28, 84),
        area_share=0.0,
        communities=(0, 1),
        organisers=(PartnerKind.ICB, PartnerKind.LOCAL_AUTHORITY),
    ),
    EngagementKind.EVENT: EngagementWording(
        title="{community} listening event in {place}",
        summary=(
            "A drop-in event for {community_phrase}, with food, childcare and interpreters, "
            "where people told partners what gets in the way of good health and care."
        ),
        participants=(30, 200),
        days=None,
        area_share=1.0,
        communities=(1, 2),
        organisers=(PartnerKind.VCFS, PartnerKind.ICB, PartnerKind.LOCAL_AUTHORITY),
    ),
    EngagementKind.FOCUS_GROUP: EngagementWording(
        title="Focus group with {community_phrase} in {place}",
        summary=(
            "A small, facilitated discussion with {community_phrase}, run with a local "
            "group they already know and trust."
        ),
        participants=(6, 14),
        days=None,
        area_share=1.0,
        communities=(1, 1),
        organisers=(PartnerKind.VCFS, PartnerKind.HEALTHWATCH, PartnerKind.NHS_TRUST),
    ),
    EngagementKind.OTHER: EngagementWording(
        title="Stall at {place} market",
        summary=(
            "A stall at the weekly market where passers-by told us, in a few words, what "
            "would make the biggest difference to their health and care."
        ),
        participants=(40, 150),
        days=None,
        area_share=1.0,
        communities=(0, 0),
        organisers=_GENERAL_ORGANISERS,
    ),
}

VENUES = ("Library", "Community Centre", "Family Hub", "Methodist Hall", "Youth Centre")

COMMUNITIES: tuple[CommunityText, ...] = tuple(
    CommunityText(name, slug(name), phrase, description)
    for name, phrase, description in (
        (
            "Unpaid carers",
            "unpaid carers",
            "People who look after a family member, partner or friend without being paid.",
        ),
        ("Young people", "young people", "People aged 11 to 25."),
        (
            "Older people living alone",
            "older people living alone",
            "People over 70 who live on their own, including those who rarely go out.",
        ),
        (
            "Disabled people",
            "disabled people",
            "People with physical, sensory or other impairments, and the groups they run.",
        ),
        (
            "Deaf BSL users",
            "Deaf people who use British Sign Language",
            "Deaf people whose first or preferred language is British Sign Language.",
        ),
        (
            "Refugees and people seeking asylum",
            "refugees and people seeking asylum",
            "People who have come to the area to seek safety, some of them very recently.",
        ),
        (
            "Gypsy, Roma and Traveller communities",
            "Gypsy, Roma and Traveller families",
            "Families living on sites, in housing or travelling through the area.",
        ),
        (
            "Parents of young children",
            "parents of young children",
            "Mothers, fathers and carers of children under five.",
        ),
        (
            "People experiencing homelessness",
            "people experiencing homelessness",
            "People sleeping rough, in hostels or moving between friends' homes.",
        ),
        (
            "People with a learning disability",
            "people with a learning disability",
            "People with a learning disability, and their families and supporters.",
        ),
        (
            "Polish-speaking residents",
            "Polish-speaking residents",
            "People whose first language is Polish, many working in local industry.",
        ),
        ("LGBTQ+ people", "LGBTQ+ people", "Lesbian, gay, bisexual, trans and queer residents."),
        (
            "Armed forces veterans",
            "armed forces veterans",
            "People who have served in the armed forces, and their families.",
        ),
        (
            "Farming and rural communities",
            "people in farming and rural communities",
            "People living and working in villages and on farms, far from main services.",
        ),
    )
)

EVIDENCE_TITLES = (
    "Report to the partnership board",
    "Performance figures",
    "Minutes of the patient reference group",
    "Evaluation summary",
    "Healthwatch visit report",
    "Project update to the quality committee",
)

PLANNING = (
    "We have agreed who will lead this work. It will start when the current contract ends.",
    "This is waiting for next year's budget to be agreed. We will post an update when it is.",
    "We have started talking to the teams involved about how to do this.",
    "A lead has been named and a first meeting is booked with the residents who raised this.",
)
STARTED = (
    "We have set up a project group and agreed a plan. The first meeting was held this month.",
    "Work has started. We have named a lead and agreed the first steps with the teams involved.",
    "We have mapped what happens now and spoken to residents who raised this, to agree what "
    "good looks like.",
    "Funding has been agreed and the work has begun.",
    "We have met Healthwatch and the community groups involved to agree how we will report "
    "progress.",
)
PROGRESS = (
    "The first phase is complete and we are moving on to the next.",
    "Three of the teams involved have made the change; the rest will follow this quarter.",
    "We tried the new approach for a month and are now making changes based on feedback.",
    "Recruitment to the new posts is under way. Two of the three posts are filled.",
    "We reported progress to the partnership board this month.",
    "Early figures are encouraging, but it is too soon to say whether this has worked.",
    "We held a session with residents to check the changes make sense to them.",
    "Staff training is under way: about half of staff have completed it.",
    "The new service has started in one area. We will extend it once we know it works.",
    "We have agreed the detailed plan and the budget with the other partners.",
    "We are collecting figures so we can show whether things have improved.",
    "A pilot is running and we will report on it next quarter.",
)
DELAY_REASONS = (
    "We could not recruit to the posts needed, so the start has moved back.",
    "The funding we expected was not confirmed until later in the year.",
    "Winter pressures meant staff were moved to front-line work for several weeks.",
    "The computer system this depends on has been delayed by the supplier.",
    "The building work took longer than planned.",
    "We need more time to agree the approach with all the partners involved.",
    "Industrial action meant some of the work had to be rescheduled.",
)
STILL_DELAYED = (
    "Work continues towards the new target date.",
    "We are still working to the revised plan and will report again next quarter.",
    "The main cause of the delay has been dealt with; we are catching up.",
)
RESUMED = (
    "The delay is resolved and the work is back on track.",
    "The posts are now filled and the work has restarted.",
    "Funding is now confirmed, so the work has started again.",
)
DELIVERED = (
    "This is done. The change is in place across all the teams involved, and we will keep "
    "checking the figures.",
    "Done. The new service is open and the first people have used it.",
    "Complete. We have published the figures that show the change.",
    "This is now in place. Thank you to the residents who helped us design it.",
)
NOT_GOING_AHEAD_REASONS = (
    "The national funding for this was withdrawn, so we cannot go ahead in this form. We will "
    "look for other ways to tackle the problem.",
    "When we tried it, this did not make things better for residents, so we have stopped it "
    "and are trying a different approach.",
    "The building we planned to use is no longer available and we could not find another "
    "suitable one nearby.",
    "A national change means this is now done differently across England, so a local version "
    "is no longer needed.",
)


def _issue(title: str, summary: str, *quotes: str) -> IssueWording:
    return IssueWording(title, summary, quotes)


def _commitment(title: str, description: str, success_measure: str) -> CommitmentWording:
    return CommitmentWording(title, description, success_measure)


THEMES: tuple[ThemeText, ...] = (
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
            _issue(
                "It takes too long to get a GP appointment by phone",
                "People in {area} told us they ring their practice at 8am and wait in a queue "
                "for up to an hour, only to be told that all the appointments have gone. Many "
                "give up and go to A&E, or go without.",
                "I set an alarm for 8am and I'm still 30th in the queue.",
                "By the time I get through, there's nothing left for the day.",
                "I can't keep ringing from work, so I just don't bother.",
            ),
            _issue(
                "Booking online is hard for people who are not online",
                "Residents in {area} said more and more appointments can only be booked "
                "online. Older people and people without a smartphone or data feel left behind.",
                "I don't have the internet. Am I supposed to just not be ill?",
                "My daughter books for me, but she lives two hours away.",
                "The app asks for things I don't understand.",
            ),
            _issue(
                "People cannot see the same GP twice",
                "People with long-term conditions in {area} said they see a different "
                "clinician each time and have to tell their story again.",
                "I've explained my history four times this year.",
                "Nobody there knows me any more.",
                "Seeing the same doctor used to make all the difference.",
            ),
            _issue(
                "Receptionists ask personal questions in front of other patients",
                "Residents told us they are asked why they need an appointment at the front "
                "desk, where others can hear. Some said this puts them off asking for help.",
                "I'm not going to say that out loud in a full waiting room.",
                "I understand they have to ask, but not like that.",
                "I just said it was nothing and went home.",
            ),
            _issue(
                "It is hard to register with a GP after moving to the area",
                "People new to {area}, including families who have just arrived in the "
                "country, said practices asked for proof of address or ID they did not have.",
                "They told me to come back with a bill in my name.",
                "We were turned away three times.",
                "My children needed their jabs and we couldn't register.",
            ),
        ),
        commitments=(
            _commitment(
                "Add a call-back option to every practice phone line",
                "Every practice in the network will offer a call-back, so people do not have "
                "to wait on hold. Callers keep their place in the queue and the practice rings "
                "them back.",
                "Fewer than 1 in 10 callers hang up before getting through, measured each month "
                "from the phone system.",
            ),
            _commitment(
                "Keep appointments for people who cannot book online",
                "Each practice will keep a share of its daily appointments for people who ring "
                "or walk in, so booking online is never the only way.",
                "Every practice keeps at least a third of same-day appointments for phone and "
                "walk-in booking, checked each quarter.",
            ),
            _commitment(
                "Offer a named GP to people with long-term conditions",
                "People with two or more long-term conditions will be offered a named GP, and "
                "their appointments booked with that GP wherever possible.",
                "Seven in ten of these patients see their named GP at most visits, measured from "
                "appointment records.",
            ),
            _commitment(
                "Train reception teams to ask questions in private",
                "All reception staff will be trained in care navigation, and practices will "
                "offer a private space or a written form for people who do not want to speak "
                "at the desk.",
                "Every practice has a private option in place, confirmed by Healthwatch visits, "
                "and complaints about reception fall.",
            ),
            _commitment(
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
            _issue(
                "People wait months for talking therapy",
                "Residents in {area} said the wait between being referred for talking therapy "
                "and the first session is long, and nobody checks how they are while they wait.",
                "I was told six months. I didn't know if I'd make it that long.",
                "Nobody rang to see how I was doing.",
                "By the time they called, I'd moved house.",
            ),
            _issue(
                "There is nowhere to go in a mental health crisis at night",
                "People told us that out of hours the only option is A&E, which is noisy and "
                "frightening when you are in crisis.",
                "A&E at 2am is the worst place to be when your head's like that.",
                "I waited nine hours on a plastic chair.",
                "We need somewhere calm to go.",
            ),
            _issue(
                "Young people's mental health support stops suddenly at 18",
                "Young people and parents in {area} said support stops on the 18th birthday "
                "and adult services feel very different, with no plan for the move.",
                "On my birthday my support just stopped.",
                "Nobody explained what happens next.",
                "Adult services felt like starting again.",
            ),
            _issue(
                "Therapy is not offered in languages other than English",
                "People said they were offered therapy only in English, or with a relative "
                "interpreting, which made it hard to talk openly.",
                "I can't talk about my feelings through my son.",
                "They said there was no interpreter for therapy.",
                "The leaflet was only in English.",
            ),
            _issue(
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
            _commitment(
                "Contact everyone on the talking therapy waiting list every month",
                "A wellbeing practitioner will contact everyone waiting for talking therapy each "
                "month, check how they are and offer support while they wait.",
                "Everyone waiting longer than four weeks has a recorded contact each month.",
            ),
            _commitment(
                "Open a crisis café in the evenings",
                "We will open a calm, staffed space in the evenings and at weekends, run with "
                "voluntary sector partners, as an alternative to A&E for people in crisis.",
                "The café is open five evenings a week, and A&E visits for mental health "
                "crisis fall.",
            ),
            _commitment(
                "Plan the move to adult services from age 17",
                "Every young person in children's mental health services will have a plan for "
                "moving to adult services, agreed with them, by their 17th birthday.",
                "Nine in ten young people turning 18 have a plan in place six months before.",
            ),
            _commitment(
                "Offer therapy with a professional interpreter",
                "Talking therapy will be offered with a trained interpreter in any language, and "
                "our leaflets will be translated into the languages most spoken locally.",
                "The number of therapy sessions with an interpreter, reported each quarter, "
                "rises from almost none.",
            ),
            _commitment(
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
            _issue(
                "People wait all day to leave hospital once they are told they can go",
                "Patients and families said they were told in the morning they could go home, "
                "but waited until the evening for medicines and transport.",
                "I sat in the discharge lounge from ten until seven.",
                "Nobody could tell us what we were waiting for.",
                "My dad was sent home in the dark, on his own.",
            ),
            _issue(
                "Care at home is not ready when people leave hospital",
                "Families in {area} told us people were sent home before care visits or "
                "equipment were in place.",
                "The bed arrived three days after she did.",
                "We had to take time off work to cover the care.",
                "Nobody came on the first night.",
            ),
            _issue(
                "Families are not told when their relative is going home",
                "Relatives said they found out about a discharge when the person arrived home, "
                "or when the ward rang asking them to collect them within the hour.",
                "I got a call at work saying come now.",
                "Mum was home before I'd even bought any food in.",
                "Just a day's warning would have made all the difference.",
            ),
            _issue(
                "People go home to housing that is not safe for them",
                "People in {area} said they went home to places they could not move around "
                "safely, such as upstairs flats with no lift.",
                "I couldn't get up the stairs to my own bed.",
                "We were told to wait six months for a stairlift.",
                "I slept in my chair for weeks.",
            ),
            _issue(
                "Nobody checks on people after they get home from hospital",
                "Older people and carers said that once they left hospital, nobody called to "
                "see how they were managing.",
                "I fell the second night and lay there till morning.",
                "One phone call would have done it.",
                "You're on your own once you're out of the door.",
            ),
        ),
        commitments=(
            _commitment(
                "Have medicines ready the day before someone goes home",
                "Pharmacy teams will prepare medicines to take home the day before a planned "
                "discharge, so people can leave by midday.",
                "Six in ten planned discharges happen before midday.",
            ),
            _commitment(
                "Start care at home on the day people leave hospital",
                "Hospital and council teams will book home care and equipment before discharge "
                "and check that it is in place on the day.",
                "Nine in ten people who need care at home have their first visit on the day "
                "they leave.",
            ),
            _commitment(
                "Tell families about discharge plans at least a day ahead",
                "Wards will agree a discharge date with the patient and, if they wish, their "
                "family, and confirm it at least 24 hours ahead.",
                "Eight in ten families say in our survey that they were told a day or more before.",
            ),
            _commitment(
                "Fit small home adaptations within a week of a referral",
                "Housing and council teams will fit small adaptations, such as grab rails and "
                "key safes, within seven days of a referral from the ward.",
                "Half of all adaptations are fitted within seven days of referral.",
            ),
            _commitment(
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
            _issue(
                "People on waiting lists are not told how long they will wait",
                "Residents said they were put on a waiting list and then heard nothing, with no "
                "idea whether to expect weeks or years.",
                "I just want to know roughly when, so I can plan my life.",
                "I rang three times and nobody could tell me.",
                "Not knowing is worse than the wait.",
            ),
            _issue(
                "Appointment letters arrive after the appointment",
                "People in {area} told us letters about hospital appointments sometimes arrive "
                "after the date, and they are then marked as having missed it.",
                "The letter came the day after.",
                "They said I'd been discharged for not attending.",
                "Why can't they just text me?",
            ),
            _issue(
                "People's health gets worse while they wait for an operation",
                "People waiting for hip and knee operations said their pain and mobility got "
                "worse while they waited, and they did not know where to get help.",
                "I've gone from walking the dog to barely getting to the shop.",
                "I'm on more painkillers than ever.",
                "Nobody tells you how to keep yourself going while you wait.",
            ),
            _issue(
                "Hospital appointments are hard to change",
                "Residents said changing an appointment means ringing a number that is always "
                "busy, so some simply do not turn up.",
                "I tried for two days to rearrange.",
                "I work shifts; I can't always make a Tuesday morning.",
                "In the end I just didn't go.",
            ),
            _issue(
                "People are sent to hospitals far away for treatment",
                "People in {area} said they were offered treatment at hospitals more than an "
                "hour away without being asked if they could get there.",
                "It's two buses and a train. I don't drive.",
                "Nobody asked whether I could get there.",
                "The cost of the taxi was more than I get in a week.",
            ),
        ),
        commitments=(
            _commitment(
                "Tell everyone on a waiting list how long they are likely to wait",
                "Everyone on a waiting list will get a letter or text with their likely wait, "
                "updated every three months, and a number to call with questions.",
                "Every patient waiting more than 18 weeks has had an update in the last three "
                "months.",
            ),
            _commitment(
                "Send appointment details by text as well as by letter",
                "Appointment details will be sent by text message as soon as they are booked, "
                "with the letter following.",
                "Missed appointments fall by a fifth compared with last year.",
            ),
            _commitment(
                "Offer support to stay well while waiting for an operation",
                "People waiting for joint operations will be offered exercise classes, pain "
                "advice and a named contact while they wait.",
                "Half of people waiting take up the offer, and their reported pain scores hold "
                "steady or improve.",
            ),
            _commitment(
                "Let people change appointments by text or online",
                "People will be able to change or cancel an outpatient appointment by replying "
                "to a text or using a web form, as well as by phone.",
                "A third of changes are made by text or online, and the phone line answers "
                "calls faster.",
            ),
            _commitment(
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
            _issue(
                "Older people wait too long in A&E",
                "Families said their older relatives waited many hours in A&E on trolleys or "
                "hard chairs, often without food or drink.",
                "Gran was there fourteen hours and nobody offered her a cup of tea.",
                "She's 91. She can't sit on a plastic chair all night.",
                "The staff were lovely but there just weren't enough of them.",
            ),
            _issue(
                "People do not know where to go for urgent help",
                "Residents in {area} said they were unsure whether to call 111, see a "
                "pharmacist, go to the urgent treatment centre or go to A&E.",
                "There's so many options now, I just go to A&E to be safe.",
                "I didn't know the pharmacy could help with that.",
                "111 told me one thing and the GP another.",
            ),
            _issue(
                "Ambulances take too long to reach villages",
                "People living in villages around {area} said they waited a long time for an "
                "ambulance, and some were driven to hospital by neighbours instead.",
                "We waited three hours and then a neighbour drove him in.",
                "Out here you feel forgotten.",
                "It's a long way to the nearest station.",
            ),
            _issue(
                "The urgent treatment centre closes too early",
                "Residents said the urgent treatment centre shuts at 8pm, so in the evening the "
                "only choice is a long wait in A&E.",
                "Kids always get ill at bedtime, don't they?",
                "It shut just as we got there.",
                "We ended up in A&E for a sprained wrist.",
            ),
            _issue(
                "A&E is too loud and bright for autistic people",
                "Autistic people and their families told us the A&E waiting room is "
                "overwhelming, and some left before being seen.",
                "My son couldn't cope with the noise and we had to leave.",
                "There's nowhere quiet to wait.",
                "A simple side room would make all the difference.",
            ),
        ),
        commitments=(
            _commitment(
                "Open a separate area in A&E for frail older people",
                "A dedicated area with proper chairs, food, drink and specialist staff will care "
                "for frail older people while they wait.",
                "Older people spend less time in A&E, and fewer than 5 in 100 wait over 12 hours.",
            ),
            _commitment(
                "Run a campaign on where to go for urgent help",
                "A campaign in community languages, through GP practices, schools and local "
                "radio, will explain what pharmacies, 111 and urgent treatment centres can do.",
                "More people in our residents' survey say they know where to go, and A&E visits "
                "for minor problems fall.",
            ),
            _commitment(
                "Train community first responders in villages",
                "We will recruit and train volunteer first responders in outlying villages so "
                "someone can help quickly while an ambulance is on its way.",
                "Every village more than ten miles from an ambulance station has trained "
                "responders.",
            ),
            _commitment(
                "Keep the urgent treatment centre open until 10pm",
                "The urgent treatment centre will stay open until 10pm every day, with a GP on "
                "site in the evenings.",
                "The centre sees more people after 8pm, and evening A&E visits for minor "
                "injuries fall.",
            ),
            _commitment(
                "Create a quiet waiting space in the emergency department",
                "A quiet room with low lighting will be available for autistic people and anyone "
                "who finds the main waiting room too much.",
                "The room is in use every day, and fewer people leave before being seen.",
            ),
        ),
    ),
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
            _issue(
                "There is no bus to the hospital from the villages",
                "People living around {area} said there is no direct bus to the hospital, and "
                "a morning appointment can take most of the day.",
                "It's two hours each way for a ten-minute appointment.",
                "The last bus back is at four.",
                "I have to pay for a taxi every time.",
            ),
            _issue(
                "Hospital parking costs too much for regular visitors",
                "Carers and people visiting relatives every day said parking charges add up to "
                "a large amount over a long stay.",
                "I paid over a hundred pounds in parking while Mum was in.",
                "I'm visiting every day, it's not a choice.",
                "The machines don't even take cards half the time.",
            ),
            _issue(
                "It is hard to find out who can get patient transport",
                "Residents in {area} said the rules for free patient transport are confusing, "
                "and they were turned down without being told why.",
                "I was told I didn't qualify but not why.",
                "Nobody mentioned it until I'd already missed two appointments.",
                "The form is impossible.",
            ),
            _issue(
                "Community transport must be booked weeks ahead",
                "People who rely on community transport said they must book weeks in advance, "
                "which does not work for appointments made at short notice.",
                "The GP gave me an appointment for tomorrow, and the minibus was full.",
                "You need two weeks' notice. Illness doesn't give you that.",
                "The drivers are wonderful, there just aren't enough of them.",
            ),
            _issue(
                "Disabled parking at the hospital is always full",
                "Disabled people said the blue badge bays near the main entrance are always "
                "taken, and the other car parks are too far to walk from.",
                "I went round for forty minutes and missed my slot.",
                "The nearest free space was right at the back.",
                "There's no drop-off point near the door.",
            ),
        ),
        commitments=(
            _commitment(
                "Run a weekday bus from the villages to the hospital",
                "We will fund a bus service from outlying villages to the hospital, timed to "
                "fit morning and afternoon clinics.",
                "The bus carries at least 200 passengers a month within six months of starting.",
            ),
            _commitment(
                "Offer free parking to carers and frequent visitors",
                "Carers and people visiting a relative for more than three days will be offered "
                "a free parking permit.",
                "Permits issued each month, and fewer complaints about parking charges.",
            ),
            _commitment(
                "Explain clearly who can get patient transport",
                "We will publish plain-English rules for patient transport, and everyone turned "
                "down will be told why and what else can help.",
                "Every refusal letter gives the reason and other options, checked each quarter.",
            ),
            _commitment(
                "Fund community transport to take bookings in the same week",
                "Extra funding will pay for more drivers and a booking line that takes bookings "
                "for health appointments in the same week.",
                "Nine in ten bookings for health appointments are accepted, even at short notice.",
            ),
            _commitment(
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
            _issue(
                "Interpreters are not booked for appointments",
                "People whose first language is not English said interpreters were often not "
                "booked, so family members or children had to interpret.",
                "My ten-year-old had to tell me I had cancer.",
                "They said the interpreter didn't turn up, again.",
                "I nodded along but I didn't understand.",
            ),
            _issue(
                "Letters are full of jargon",
                "Residents in {area} said letters from services use medical words and "
                "abbreviations they do not understand.",
                "I had to look up half the words.",
                "What is a 'PTL' and why am I on it?",
                "Just tell me plainly what's happening.",
            ),
            _issue(
                "Deaf people cannot contact services without a phone",
                "Deaf BSL users said many services can only be contacted by phone, and BSL "
                "interpreters are rarely booked for appointments.",
                "I can't phone. So I can't book.",
                "They sent a letter in English. BSL is my language.",
                "I had to bring my hearing neighbour to interpret.",
            ),
            _issue(
                "Information is not available in easy read",
                "People with a learning disability and their supporters said information about "
                "services and treatment is rarely in easy read.",
                "The leaflet was full of long words.",
                "I want to understand it myself, not have someone tell me.",
                "Pictures would help.",
            ),
            _issue(
                "People are not told about changes to local services",
                "Residents in {area} said services moved or closed without them hearing about "
                "it, and they found out when they turned up.",
                "The clinic had moved and nobody told us.",
                "There was a notice on the door, that's all.",
                "We'd have said something if anyone had asked.",
            ),
        ),
        commitments=(
            _commitment(
                "Book an interpreter whenever one is needed",
                "A person's need for an interpreter will be recorded once and an interpreter "
                "booked for every appointment after that.",
                "Interpreters are booked for nineteen in twenty appointments where one is "
                "recorded as needed.",
            ),
            _commitment(
                "Rewrite standard letters in plain English",
                "Our 20 most-used patient letters will be rewritten in plain English, tested "
                "with residents and Healthwatch.",
                "All 20 letters rewritten and tested, and fewer calls asking what letters mean.",
            ),
            _commitment(
                "Offer BSL video and text contact for every service",
                "Every service will offer a BSL video relay service and a text or email option "
                "for people who cannot use the phone.",
                "Every service lists a non-phone way to get in touch, and BSL interpreter "
                "bookings rise.",
            ),
            _commitment(
                "Publish easy read versions of key information",
                "We will produce easy read versions of our most-used leaflets and letters, with "
                "a local self-advocacy group.",
                "At least 30 easy read documents published and checked by people with a "
                "learning disability.",
            ),
            _commitment(
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
            _issue(
                "No dentist in the area is taking on NHS patients",
                "People in {area} said they have rung every dental practice nearby and none is "
                "taking on new NHS patients.",
                "I've rung twelve practices. Not one.",
                "They'll see me privately next week, but I can't afford it.",
                "My whole family has no dentist now.",
            ),
            _issue(
                "Children wait a long time for dental treatment",
                "Parents said their children waited many months for treatment, in some cases "
                "with toothache.",
                "She's six and she's had toothache since Christmas.",
                "We were told the wait for the children's clinic is over a year.",
                "He's missing school because of the pain.",
            ),
            _issue(
                "People in pain cannot get an urgent dental appointment",
                "Residents said they could not get urgent help for dental pain, and some had "
                "pulled out their own teeth.",
                "I pulled it out myself with pliers.",
                "111 gave me a number that never answered.",
                "I ended up in A&E and they couldn't do anything.",
            ),
            _issue(
                "Care home residents do not get dental check-ups",
                "Families and care home staff in {area} said residents rarely see a dentist, "
                "and problems are found late.",
                "Dad hasn't seen a dentist in four years.",
                "Nobody comes out to the home.",
                "He stopped eating and it turned out to be his teeth.",
            ),
            _issue(
                "It is hard to find out which dentists are taking NHS patients",
                "People said the information online about which practices take NHS patients is "
                "out of date, so they waste time ringing round.",
                "The website said yes, the receptionist said no.",
                "There should be one up-to-date list.",
                "I spent a whole morning on the phone.",
            ),
        ),
        commitments=(
            _commitment(
                "Pay for extra NHS dental sessions for new patients",
                "We will pay practices for extra NHS sessions set aside for people who do not "
                "have a dentist.",
                "At least 5,000 more people seen as new NHS patients in the year.",
            ),
            _commitment(
                "Run supervised toothbrushing in nurseries and primary schools",
                "Nurseries and primary schools in the areas with the most tooth decay will run "
                "daily supervised toothbrushing.",
                "At least 60 settings taking part, and fewer children needing teeth taken out "
                "in hospital.",
            ),
            _commitment(
                "Set up urgent dental appointments through NHS 111",
                "A set number of urgent dental appointments will be kept every day and booked "
                "through NHS 111.",
                "Everyone who calls 111 with urgent dental pain is offered an appointment within "
                "24 hours.",
            ),
            _commitment(
                "Send a dental team to every care home once a year",
                "A community dental team will visit each care home once a year to check "
                "residents' teeth and train staff in mouth care.",
                "Every care home visited in the year, and mouth care plans in place for residents.",
            ),
            _commitment(
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
            _issue(
                "Carers cannot get a break",
                "Unpaid carers in {area} said they have not had a break in years, and respite "
                "care is hard to find.",
                "I haven't had a night off in three years.",
                "If something happens to me, what happens to her?",
                "I just need a few hours to myself.",
            ),
            _issue(
                "Carers' assessments take too long",
                "Carers said they waited months for a carer's assessment, and then heard "
                "nothing more.",
                "I asked for an assessment in March and I'm still waiting.",
                "They assessed me and then nothing happened.",
                "It's just another form.",
            ),
            _issue(
                "GP practices do not know who is a carer",
                "Carers said their GP practice does not know they are a carer, so they miss out "
                "on flexible appointments and health checks.",
                "Nobody has ever asked me if I look after someone.",
                "I can't come at a fixed time, I can't leave him.",
                "I put my own health last.",
            ),
            _issue(
                "Young carers are missed at school",
                "Young carers and their families in {area} said schools do not always know a "
                "child is caring for someone at home.",
                "My teachers think I'm just lazy.",
                "I'm up in the night with Mum, then in trouble for being late.",
                "Nobody at school knows.",
            ),
            _issue(
                "Carers do not know what help is available",
                "Residents said there is help for carers but it is hard to find out about, and "
                "every service sends them somewhere else.",
                "I only found out about the carers' centre by chance.",
                "Everyone just gives you another number to ring.",
                "I wish someone had told me years ago.",
            ),
        ),
        commitments=(
            _commitment(
                "Offer carers a short break within a month of asking",
                "Carers who ask for a break will be offered one within four weeks, from a few "
                "hours of sitting to a short stay.",
                "Nine in ten carers who ask are offered a break within 28 days.",
            ),
            _commitment(
                "Complete carers' assessments within 28 days",
                "Carers' assessments will be completed within 28 days of asking, with a written "
                "support plan.",
                "Eight in ten assessments completed within 28 days, each with a support plan.",
            ),
            _commitment(
                "Keep a carers' register at every GP practice",
                "Every practice will ask patients whether they are a carer and record it, so "
                "carers can get flexible appointments and health checks.",
                "The number of carers known to practices doubles within a year.",
            ),
            _commitment(
                "Name a young carers' lead in every secondary school",
                "Every secondary school will have a trained young carers' lead, working with "
                "the young carers' service.",
                "Every secondary school has a named lead, and more young carers are referred for "
                "support.",
            ),
            _commitment(
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
            _issue(
                "Families wait years for an autism or ADHD assessment",
                "Parents in {area} said they have waited years for an assessment, with little "
                "support in the meantime.",
                "He was referred in Year 2. He's now in Year 6.",
                "We're told to wait for the diagnosis before anything can help.",
                "I've had to give up work to cope.",
            ),
            _issue(
                "Health visitors are hard to reach",
                "Parents of young children said it is hard to get hold of a health visitor and "
                "drop-in clinics have stopped.",
                "I had one visit after the birth and that was it.",
                "The number just goes to voicemail.",
                "I used to be able to pop in to get her weighed.",
            ),
            _issue(
                "There are no health services where young people feel welcome",
                "Young people in {area} said they do not feel comfortable going to their GP "
                "about some things, and there is nowhere else to go.",
                "I don't want to go to the same GP as my mum.",
                "Somewhere you could just walk in after school.",
                "They talk to my parents, not to me.",
            ),
            _issue(
                "Parents get no support while waiting for speech and language therapy",
                "Parents said their children waited many months for speech and language "
                "therapy, with no advice on what to do at home.",
                "Just tell me what I can do at home while we wait.",
                "By the time she was seen, she'd started school.",
                "We were given a leaflet and that was it.",
            ),
            _issue(
                "Children with asthma end up in A&E",
                "Families in {area} said their children's asthma is not reviewed regularly, and "
                "they end up in A&E when it flares up.",
                "We've been to A&E four times this winter.",
                "Nobody has ever checked his inhaler technique.",
                "The school didn't have his plan.",
            ),
        ),
        commitments=(
            _commitment(
                "Support families while they wait for an assessment",
                "Families waiting for an autism or ADHD assessment will be offered workshops, "
                "a named contact and help at school without waiting for a diagnosis.",
                "Every family on the waiting list is offered support, and three in four say it "
                "helped.",
            ),
            _commitment(
                "Open a weekly health visitor drop-in at every family hub",
                "Health visitors will run a weekly drop-in at each family hub for weighing, "
                "advice and support.",
                "Every family hub has a weekly drop-in, and more parents see a health visitor "
                "when their baby is one.",
            ),
            _commitment(
                "Run a young people's health drop-in after school",
                "A weekly drop-in for young people, with a nurse and youth worker, will run at "
                "the youth centre after school.",
                "At least 40 young people use the drop-in each month, and they rate it well.",
            ),
            _commitment(
                "Run speech and language workshops for parents who are waiting",
                "Parents of children waiting for speech and language therapy will be offered "
                "workshops and activity packs to use at home.",
                "Seven in ten families waiting attend a workshop within six weeks of referral.",
            ),
            _commitment(
                "Give every child with asthma an up-to-date asthma plan",
                "GP practices will review every child with asthma each year and share their "
                "asthma plan with their school.",
                "Nine in ten children with asthma have had a review in the last year, and A&E "
                "visits for asthma fall.",
            ),
        ),
    ),
)
