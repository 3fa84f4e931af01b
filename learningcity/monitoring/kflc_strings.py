"""The shipped KFLC wording, marked for translation.

Framework names are data that coordinators may edit; the wording we ship is also
listed here so that makemessages extracts it and each UI language can show it
(``Framework.label`` / ``FrameworkNode.label``). Keep in step with data/kflc.json:
``tests/monitoring/test_kflc_strings.py`` fails when they differ."""

from django.utils.translation import gettext_noop, pgettext_lazy

# Level names share words with the rest of the interface ("Area" is also a city's
# size), so they carry their own context.
LEVEL_NAMES = (
    pgettext_lazy("framework level", "Indicator"),
    pgettext_lazy("framework level", "Feature"),
    pgettext_lazy("framework level", "Area of focus"),
    pgettext_lazy("framework level", "Area"),
    pgettext_lazy("framework level", "Index"),
)

KFLC_STRINGS = (
    gettext_noop("Key Features of Learning Cities"),
    gettext_noop("Learning city index"),
    gettext_noop("Wider benefits"),
    gettext_noop("Individual empowerment and social cohesion"),
    gettext_noop("Every citizen can become literate and gain basic skills"),
    gettext_noop("Adult literacy rate"),
    gettext_noop("Citizens take part actively in public life"),
    gettext_noop("Turnout at the last local election"),
    gettext_noop("Gender equality"),
    gettext_noop("Women in elected and senior public posts"),
    gettext_noop("A safe, harmonious and inclusive community"),
    gettext_noop("Recorded crimes per 1,000 residents"),
    gettext_noop("Economic development and cultural prosperity"),
    gettext_noop("Inclusive and sustainable economic growth"),
    gettext_noop("Residents living below the national poverty line"),
    gettext_noop("Employment for all"),
    gettext_noop("Unemployment rate"),
    gettext_noop("Science, technology and innovation"),
    gettext_noop("Research and development spending"),
    gettext_noop("Cultural activities for all"),
    gettext_noop("Residents who took part in a cultural activity in the past year"),
    gettext_noop("Sustainable development"),
    gettext_noop("Less harm to the environment from economic and other activity"),
    gettext_noop("CO2 emissions per resident"),
    gettext_noop("A liveable city"),
    gettext_noop("Green space per resident"),
    gettext_noop("Learning for sustainable development in all settings"),
    gettext_noop("Education for sustainable development programmes"),
    gettext_noop("Major building blocks"),
    gettext_noop("Inclusive learning in the education system"),
    gettext_noop("Access to early childhood care and education"),
    gettext_noop("Children aged 3 to 5 in early childhood education"),
    gettext_noop("Access to education from primary to tertiary level"),
    gettext_noop("Young people aged 15 to 24 in education or training"),
    gettext_noop("Adult literacy and basic education"),
    gettext_noop("Adults in literacy or basic education programmes"),
    gettext_noop("Flexible learning pathways and recognition of prior learning"),
    gettext_noop("Qualifications awarded through recognition of prior learning"),
    gettext_noop("Revitalised learning in families and communities"),
    gettext_noop("Community learning spaces and resources for family learning"),
    gettext_noop("Community learning centres"),
    gettext_noop(
        "Community learning reaches marginalised groups (migrants, people with disabilities, older people)"
    ),
    gettext_noop("Participants in community learning from marginalised groups"),
    gettext_noop("Community history and culture are recognised"),
    gettext_noop("Community history and heritage activities"),
    gettext_noop("Effective learning for and in the workplace"),
    gettext_noop("Public and private organisations become learning organisations"),
    gettext_noop("Employers recognised as learning organisations"),
    gettext_noop("Every worker, migrant workers included, has learning opportunities"),
    gettext_noop("Employees in job-related training in the past year"),
    gettext_noop("Employers and trade unions support workplace learning"),
    gettext_noop("Employers offering paid learning leave"),
    gettext_noop("Learning for unemployed young people and adults"),
    gettext_noop("Unemployed people in training programmes"),
    gettext_noop("Extended use of modern learning technologies"),
    gettext_noop("Administrators, teachers and educators are trained to use technology"),
    gettext_noop("Teachers and educators trained in digital teaching"),
    gettext_noop("Citizens have access to information and communication technology"),
    gettext_noop("Households with broadband internet"),
    gettext_noop("E-learning resources are developed and shared"),
    gettext_noop("Online courses offered by the city's institutions"),
    gettext_noop("Enhanced quality in learning"),
    gettext_noop("A shift from teaching to learning"),
    gettext_noop("Adult learning programmes that agree learning goals with their learners"),
    gettext_noop("Shared values, tolerance and respect for diversity"),
    gettext_noop("Residents who feel people of other backgrounds are welcome"),
    gettext_noop("Well-trained administrators, teachers and educators"),
    gettext_noop("Adult educators with a teaching qualification"),
    gettext_noop("Learner-friendly learning environments"),
    gettext_noop("Learners satisfied with their place of learning"),
    gettext_noop("A vibrant culture of learning throughout life"),
    gettext_noop("Public events that encourage and celebrate learning (festivals)"),
    gettext_noop("Participants in learning festivals and events"),
    gettext_noop("Information, guidance and support for every citizen"),
    gettext_noop("Learning information and guidance points"),
    gettext_noop("Media are used to promote learning"),
    gettext_noop("Local media features about learning"),
    gettext_noop("Fundamental conditions"),
    gettext_noop("Strong political will and commitment"),
    gettext_noop("Political leadership for the learning city"),
    gettext_noop(
        "Learning-city commitment in the mayor's programme (0 none, 1 stated, 2 with actions and budget)"
    ),
    gettext_noop("A lifelong-learning strategy and plan"),
    gettext_noop("Lifelong-learning plan in force (0 no, 1 yes)"),
    gettext_noop("Progress is monitored"),
    gettext_noop("Monitoring reports published in the past two years"),
    gettext_noop("Governance and participation of all stakeholders"),
    gettext_noop("A coordinating structure that involves all stakeholders"),
    gettext_noop("Sectors represented in the learning-city committee (of 8)"),
    gettext_noop("Stakeholders offer quality learning and contribute their own resources"),
    gettext_noop("Organisations offering learning with their own resources"),
    gettext_noop("Partnerships across sectors"),
    gettext_noop("Active cross-sector learning partnerships"),
    gettext_noop("Mobilisation and utilisation of resources"),
    gettext_noop("More investment in lifelong learning by government, civil society and business"),
    gettext_noop("Lifelong-learning share of the city budget"),
    gettext_noop("The learning resources of all stakeholders are used well"),
    gettext_noop("Public buildings open for community learning outside working hours"),
    gettext_noop("Citizens share their talents, skills and knowledge (volunteering)"),
    gettext_noop("Residents who volunteered in the past year"),
    gettext_noop("Exchange of ideas and practice between cities"),
    gettext_noop("City-to-city learning exchanges in the past two years"),
    # xgettext:no-python-format
    gettext_noop("% of adults"),
    # xgettext:no-python-format
    gettext_noop("% of voters"),
    # xgettext:no-python-format
    gettext_noop("% of posts"),
    gettext_noop("per 1,000 residents"),
    # xgettext:no-python-format
    gettext_noop("% of residents"),
    # xgettext:no-python-format
    gettext_noop("% of the labour force"),
    # xgettext:no-python-format
    gettext_noop("% of the city's GDP"),
    gettext_noop("tonnes per resident per year"),
    gettext_noop("m² per resident"),
    gettext_noop("per 100,000 residents"),
    # xgettext:no-python-format
    gettext_noop("% of children aged 3–5"),
    # xgettext:no-python-format
    gettext_noop("% of people aged 15–24"),
    gettext_noop("per 1,000 adults"),
    gettext_noop("per 10,000 adults"),
    gettext_noop("per 10,000 residents"),
    # xgettext:no-python-format
    gettext_noop("% of participants"),
    gettext_noop("per 1,000 employers"),
    # xgettext:no-python-format
    gettext_noop("% of employees"),
    # xgettext:no-python-format
    gettext_noop("% of employers"),
    # xgettext:no-python-format
    gettext_noop("% of unemployed people"),
    # xgettext:no-python-format
    gettext_noop("% of teachers and educators"),
    # xgettext:no-python-format
    gettext_noop("% of households"),
    # xgettext:no-python-format
    gettext_noop("% of programmes"),
    # xgettext:no-python-format
    gettext_noop("% of residents surveyed"),
    # xgettext:no-python-format
    gettext_noop("% of adult educators"),
    # xgettext:no-python-format
    gettext_noop("% of learners surveyed"),
    gettext_noop("features per year"),
    gettext_noop("score 0–2"),
    gettext_noop("yes = 1"),
    gettext_noop("reports"),
    gettext_noop("sectors"),
    gettext_noop("partnerships"),
    # xgettext:no-python-format
    gettext_noop("% of the city budget"),
    # xgettext:no-python-format
    gettext_noop("% of public buildings"),
    gettext_noop("exchanges"),
)
