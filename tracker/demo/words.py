"""The demo's word pools: invented partners, places, communities, themes and what residents said.

Everything here is invented. Names of places and organisations are made up to sound
like England without being anywhere in it; quotes are the kind of thing residents
say, not things any real person said. The planner picks from these pools with its
seeded ``random.Random``, so changing a pool changes the demo's words, never its shape.
"""

from __future__ import annotations

import re

from tracker.demo.access_themes import ACCESS_THEMES
from tracker.demo.care_themes import CARE_THEMES
from tracker.demo.wording import (
    CommitmentWording,
    CommunityText,
    EngagementWording,
    PartnerText,
    ThemeText,
)
from tracker.models import EngagementKind, PartnerKind


def slug(name: str) -> str:
    """``name`` as the lower-case, hyphenated part of an address."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")


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


THEMES: tuple[ThemeText, ...] = (*CARE_THEMES, *ACCESS_THEMES)
