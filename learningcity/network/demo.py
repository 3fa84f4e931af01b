# ruff: noqa: E501 - the demo tables keep one city or one wording per line.
"""Demo data of the network: member profiles for core's network cities and more
member cities (at least 60 across the five regions), cluster memberships, good
practices in several languages in every state of review, with their similar
practices computed, and the membership lifecycle: two intakes of applications in
different states, National Commission and juror accounts, biennial reports. Invented people and figures, labelled as demo data
(``City.is_demo``; accounts under ``@demo.learningcity.example``)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from learningcity.core.countries import country_name
from learningcity.core.demo import DEMO_EMAIL_DOMAIN, DemoContext
from learningcity.core.models import City, UnescoRegion

from . import services
from .demo_partners import seed_partners
from .models import (
    CityProfile,
    Cluster,
    ClusterMembership,
    CommissionGrant,
    MembershipApplication,
    MembershipCall,
    MembershipReport,
)
from .similarity import recompute_similar_practices
from .vocabulary import CHALLENGE_CODES, RUBRIC_CODES, MembershipStatus

R = UnescoRegion
# (slug, name, ISO code, region, population, area km², lat, lng, time zone, languages)
MORE_CITIES: list[tuple[str, str, str, str, int, int, float, float, str, list[str]]] = [
    (
        "nairobi",
        "Nairobi",
        "KE",
        R.AFRICA,
        4_397_000,
        696,
        -1.2921,
        36.8219,
        "Africa/Nairobi",
        ["sw", "en"],
    ),
    ("accra", "Accra", "GH", R.AFRICA, 2_557_000, 225, 5.6037, -0.1870, "Africa/Accra", ["en"]),
    ("dakar", "Dakar", "SN", R.AFRICA, 1_146_000, 83, 14.7167, -17.4677, "Africa/Dakar", ["fr"]),
    (
        "addis-ababa",
        "Addis Ababa",
        "ET",
        R.AFRICA,
        3_384_000,
        527,
        9.0300,
        38.7400,
        "Africa/Addis_Ababa",
        ["am", "en"],
    ),
    (
        "kampala",
        "Kampala",
        "UG",
        R.AFRICA,
        1_680_000,
        189,
        0.3476,
        32.5825,
        "Africa/Kampala",
        ["en", "sw"],
    ),
    (
        "lusaka",
        "Lusaka",
        "ZM",
        R.AFRICA,
        2_731_000,
        418,
        -15.3875,
        28.3228,
        "Africa/Lusaka",
        ["en"],
    ),
    (
        "maputo",
        "Maputo",
        "MZ",
        R.AFRICA,
        1_124_000,
        347,
        -25.9692,
        32.5732,
        "Africa/Maputo",
        ["pt"],
    ),
    (
        "yaounde",
        "Yaoundé",
        "CM",
        R.AFRICA,
        2_765_000,
        180,
        3.8480,
        11.5021,
        "Africa/Douala",
        ["fr", "en"],
    ),
    (
        "durban",
        "Durban",
        "ZA",
        R.AFRICA,
        3_442_000,
        2_292,
        -29.8587,
        31.0218,
        "Africa/Johannesburg",
        ["en", "zu"],
    ),
    (
        "windhoek",
        "Windhoek",
        "NA",
        R.AFRICA,
        431_000,
        5_133,
        -22.5609,
        17.0658,
        "Africa/Windhoek",
        ["en"],
    ),
    (
        "harare",
        "Harare",
        "ZW",
        R.AFRICA,
        1_485_000,
        982,
        -17.8252,
        31.0335,
        "Africa/Harare",
        ["en"],
    ),
    (
        "tunis",
        "Tunis",
        "TN",
        R.ARAB_STATES,
        1_056_000,
        212,
        36.8065,
        10.1815,
        "Africa/Tunis",
        ["ar", "fr"],
    ),
    (
        "rabat",
        "Rabat",
        "MA",
        R.ARAB_STATES,
        578_000,
        118,
        34.0209,
        -6.8416,
        "Africa/Casablanca",
        ["ar", "fr"],
    ),
    (
        "beirut",
        "Beirut",
        "LB",
        R.ARAB_STATES,
        361_000,
        20,
        33.8938,
        35.5018,
        "Asia/Beirut",
        ["ar", "fr", "en"],
    ),
    (
        "muscat",
        "Muscat",
        "OM",
        R.ARAB_STATES,
        1_421_000,
        3_500,
        23.5880,
        58.3829,
        "Asia/Muscat",
        ["ar"],
    ),
    (
        "alexandria",
        "Alexandria",
        "EG",
        R.ARAB_STATES,
        5_200_000,
        2_679,
        31.2001,
        29.9187,
        "Africa/Cairo",
        ["ar"],
    ),
    (
        "sharjah",
        "Sharjah",
        "AE",
        R.ARAB_STATES,
        1_800_000,
        235,
        25.3463,
        55.4209,
        "Asia/Dubai",
        ["ar", "en"],
    ),
    (
        "irbid",
        "Irbid",
        "JO",
        R.ARAB_STATES,
        1_770_000,
        1_572,
        32.5556,
        35.8500,
        "Asia/Amman",
        ["ar"],
    ),
    (
        "sfax",
        "Sfax",
        "TN",
        R.ARAB_STATES,
        330_000,
        54,
        34.7406,
        10.7603,
        "Africa/Tunis",
        ["ar", "fr"],
    ),
    (
        "marrakesh",
        "Marrakesh",
        "MA",
        R.ARAB_STATES,
        929_000,
        230,
        31.6295,
        -7.9811,
        "Africa/Casablanca",
        ["ar", "fr"],
    ),
    (
        "wuhan",
        "Wuhan",
        "CN",
        R.ASIA_PACIFIC,
        13_648_000,
        8_569,
        30.5928,
        114.3055,
        "Asia/Shanghai",
        ["zh-hans"],
    ),
    (
        "chengdu",
        "Chengdu",
        "CN",
        R.ASIA_PACIFIC,
        20_938_000,
        14_335,
        30.5728,
        104.0668,
        "Asia/Shanghai",
        ["zh-hans"],
    ),
    (
        "suwon",
        "Suwon",
        "KR",
        R.ASIA_PACIFIC,
        1_190_000,
        121,
        37.2636,
        127.0286,
        "Asia/Seoul",
        ["ko"],
    ),
    (
        "okayama",
        "Okayama",
        "JP",
        R.ASIA_PACIFIC,
        720_000,
        790,
        34.6551,
        133.9195,
        "Asia/Tokyo",
        ["ja"],
    ),
    (
        "surabaya",
        "Surabaya",
        "ID",
        R.ASIA_PACIFIC,
        2_874_000,
        350,
        -7.2575,
        112.7521,
        "Asia/Jakarta",
        ["id"],
    ),
    (
        "chiang-mai",
        "Chiang Mai",
        "TH",
        R.ASIA_PACIFIC,
        127_000,
        40,
        18.7883,
        98.9853,
        "Asia/Bangkok",
        ["th", "en"],
    ),
    (
        "da-nang",
        "Da Nang",
        "VN",
        R.ASIA_PACIFIC,
        1_231_000,
        1_285,
        16.0544,
        108.2022,
        "Asia/Ho_Chi_Minh",
        ["vi"],
    ),
    (
        "pokhara",
        "Pokhara",
        "NP",
        R.ASIA_PACIFIC,
        518_000,
        464,
        28.2096,
        83.9856,
        "Asia/Kathmandu",
        ["ne", "en"],
    ),
    (
        "wyndham",
        "Wyndham",
        "AU",
        R.ASIA_PACIFIC,
        292_000,
        542,
        -37.8987,
        144.6609,
        "Australia/Melbourne",
        ["en"],
    ),
    (
        "hamilton-nz",
        "Hamilton",
        "NZ",
        R.ASIA_PACIFIC,
        180_000,
        110,
        -37.7870,
        175.2793,
        "Pacific/Auckland",
        ["en", "mi"],
    ),
    (
        "thrissur",
        "Thrissur",
        "IN",
        R.ASIA_PACIFIC,
        315_000,
        102,
        10.5276,
        76.2144,
        "Asia/Kolkata",
        ["ml", "en"],
    ),
    (
        "swansea",
        "Swansea",
        "GB",
        R.EUROPE_NORTH_AMERICA,
        246_000,
        380,
        51.6214,
        -3.9436,
        "Europe/London",
        ["en", "cy"],
    ),
    (
        "limerick",
        "Limerick",
        "IE",
        R.EUROPE_NORTH_AMERICA,
        102_000,
        61,
        52.6638,
        -8.6267,
        "Europe/Dublin",
        ["en", "ga"],
    ),
    (
        "torino",
        "Turin",
        "IT",
        R.EUROPE_NORTH_AMERICA,
        848_000,
        130,
        45.0703,
        7.6869,
        "Europe/Rome",
        ["it"],
    ),
    (
        "braga",
        "Braga",
        "PT",
        R.EUROPE_NORTH_AMERICA,
        193_000,
        183,
        41.5454,
        -8.4265,
        "Europe/Lisbon",
        ["pt"],
    ),
    (
        "gijon",
        "Gijón",
        "ES",
        R.EUROPE_NORTH_AMERICA,
        268_000,
        182,
        43.5322,
        -5.6611,
        "Europe/Madrid",
        ["es"],
    ),
    (
        "vienna",
        "Vienna",
        "AT",
        R.EUROPE_NORTH_AMERICA,
        1_931_000,
        415,
        48.2082,
        16.3738,
        "Europe/Vienna",
        ["de"],
    ),
    (
        "munich",
        "Munich",
        "DE",
        R.EUROPE_NORTH_AMERICA,
        1_488_000,
        311,
        48.1351,
        11.5820,
        "Europe/Berlin",
        ["de"],
    ),
    (
        "tampere",
        "Tampere",
        "FI",
        R.EUROPE_NORTH_AMERICA,
        249_000,
        689,
        61.4978,
        23.7610,
        "Europe/Helsinki",
        ["fi", "sv"],
    ),
    (
        "laval",
        "Laval",
        "CA",
        R.EUROPE_NORTH_AMERICA,
        438_000,
        247,
        45.6066,
        -73.7124,
        "America/Toronto",
        ["fr", "en"],
    ),
    (
        "tacoma",
        "Tacoma",
        "US",
        R.EUROPE_NORTH_AMERICA,
        219_000,
        162,
        47.2529,
        -122.4443,
        "America/Los_Angeles",
        ["en", "es"],
    ),
    (
        "pecs",
        "Pécs",
        "HU",
        R.EUROPE_NORTH_AMERICA,
        142_000,
        163,
        46.0727,
        18.2323,
        "Europe/Budapest",
        ["hu"],
    ),
    (
        "heraklion",
        "Heraklion",
        "GR",
        R.EUROPE_NORTH_AMERICA,
        177_000,
        245,
        35.3387,
        25.1442,
        "Europe/Athens",
        ["el"],
    ),
    (
        "nantes",
        "Nantes",
        "FR",
        R.EUROPE_NORTH_AMERICA,
        320_000,
        65,
        47.2184,
        -1.5536,
        "Europe/Paris",
        ["fr"],
    ),
    (
        "villa-maria",
        "Villa María",
        "AR",
        R.LATIN_AMERICA_CARIBBEAN,
        80_000,
        24,
        -32.4075,
        -63.2402,
        "America/Argentina/Cordoba",
        ["es"],
    ),
    (
        "penalolen",
        "Peñalolén",
        "CL",
        R.LATIN_AMERICA_CARIBBEAN,
        241_000,
        54,
        -33.4833,
        -70.5333,
        "America/Santiago",
        ["es"],
    ),
    (
        "contagem",
        "Contagem",
        "BR",
        R.LATIN_AMERICA_CARIBBEAN,
        668_000,
        195,
        -19.9320,
        -44.0539,
        "America/Sao_Paulo",
        ["pt"],
    ),
    (
        "puebla",
        "Puebla",
        "MX",
        R.LATIN_AMERICA_CARIBBEAN,
        1_692_000,
        535,
        19.0414,
        -98.2063,
        "America/Mexico_City",
        ["es"],
    ),
    (
        "guadalajara",
        "Guadalajara",
        "MX",
        R.LATIN_AMERICA_CARIBBEAN,
        1_385_000,
        151,
        20.6597,
        -103.3496,
        "America/Mexico_City",
        ["es"],
    ),
    (
        "santa-fe-ar",
        "Santa Fe",
        "AR",
        R.LATIN_AMERICA_CARIBBEAN,
        391_000,
        268,
        -31.6333,
        -60.7000,
        "America/Argentina/Cordoba",
        ["es"],
    ),
    (
        "juiz-de-fora",
        "Juiz de Fora",
        "BR",
        R.LATIN_AMERICA_CARIBBEAN,
        577_000,
        1_436,
        -21.7642,
        -43.3503,
        "America/Sao_Paulo",
        ["pt"],
    ),
    (
        "bucaramanga",
        "Bucaramanga",
        "CO",
        R.LATIN_AMERICA_CARIBBEAN,
        581_000,
        165,
        7.1193,
        -73.1227,
        "America/Bogota",
        ["es"],
    ),
]

FIRST = [
    "Amina",
    "Jean",
    "Lucía",
    "Omar",
    "Mei",
    "Kofi",
    "Sofia",
    "Hiro",
    "Leila",
    "Pedro",
    "Nadia",
    "Tomás",
    "Aiko",
    "Yusuf",
    "Elena",
    "Kwame",
    "Ines",
    "Ravi",
    "Salma",
    "Marta",
]
LAST = [
    "Okafor",
    "Dubois",
    "García",
    "Haddad",
    "Wang",
    "Mensah",
    "Rossi",
    "Tanaka",
    "Benali",
    "Silva",
    "Karimi",
    "Novak",
    "Kim",
    "Demir",
    "Petrova",
    "Asante",
    "Costa",
    "Iyer",
    "Nasser",
    "López",
]

# Practice topics: themes, SDGs and a title and summary per language. The longer
# texts are built from per-language frames below, so each case reads plausibly.
TOPICS: list[dict[str, Any]] = [
    {
        "themes": ["eq-vulnerable", "kflc-community"],
        "sdgs": [4, 10],
        "en": (
            "Literacy circles in public libraries",
            "Volunteers run weekly reading and writing circles for adults with low literacy in neighbourhood libraries.",
        ),
        "fr": (
            "Cercles d'alphabétisation dans les bibliothèques",
            "Des bénévoles animent chaque semaine des cercles de lecture et d'écriture pour les adultes dans les bibliothèques de quartier.",
        ),
        "es": (
            "Círculos de alfabetización en bibliotecas públicas",
            "Voluntarios organizan círculos semanales de lectura y escritura para personas adultas en las bibliotecas de barrio.",
        ),
        "ar": (
            "حلقات محو الأمية في المكتبات العامة",
            "ينظم متطوعون حلقات أسبوعية للقراءة والكتابة للكبار في مكتبات الأحياء.",
        ),
        "zh-hans": (
            "公共图书馆成人识字小组",
            "志愿者每周在社区图书馆为识字水平较低的成年人组织阅读和写作小组。",
        ),
        "pt": (
            "Círculos de alfabetização em bibliotecas públicas",
            "Voluntários organizam círculos semanais de leitura e escrita para adultos nas bibliotecas dos bairros.",
        ),
    },
    {
        "themes": ["eq-migrants", "eq-access"],
        "sdgs": [4, 10, 16],
        "en": (
            "Welcome language courses for newcomers",
            "Free language and orientation courses help migrants and refugees find work, housing and schools in their first year.",
        ),
        "fr": (
            "Cours de langue d'accueil pour les nouveaux arrivants",
            "Des cours gratuits de langue et d'orientation aident les migrants et les réfugiés à trouver travail, logement et écoles.",
        ),
        "es": (
            "Cursos de idioma de bienvenida para recién llegados",
            "Cursos gratuitos de idioma y orientación ayudan a personas migrantes y refugiadas a encontrar trabajo, vivienda y escuela.",
        ),
        "ar": (
            "دورات لغة ترحيبية للوافدين الجدد",
            "تساعد دورات مجانية في اللغة والتوجيه المهاجرين واللاجئين على إيجاد العمل والسكن والمدارس.",
        ),
        "zh-hans": (
            "新移民语言欢迎课程",
            "免费的语言和指导课程帮助移民和难民在第一年找到工作、住房和学校。",
        ),
        "pt": (
            "Cursos de língua de acolhimento para recém-chegados",
            "Cursos gratuitos de língua e orientação ajudam migrantes e refugiados a encontrar trabalho, casa e escola.",
        ),
    },
    {
        "themes": ["eq-digital", "kflc-technology", "eq-later-life"],
        "sdgs": [4, 9],
        "en": (
            "Digital skills for older residents",
            "Young volunteers teach older people to use phones, online services and video calls in community centres.",
        ),
        "fr": (
            "Compétences numériques pour les aînés",
            "De jeunes bénévoles apprennent aux personnes âgées à utiliser le téléphone, les services en ligne et les appels vidéo.",
        ),
        "es": (
            "Habilidades digitales para personas mayores",
            "Jóvenes voluntarios enseñan a personas mayores a usar el teléfono, los servicios en línea y las videollamadas.",
        ),
        "ar": (
            "مهارات رقمية لكبار السن",
            "يعلّم متطوعون شباب كبار السن استخدام الهاتف والخدمات الإلكترونية ومكالمات الفيديو في المراكز المجتمعية.",
        ),
        "zh-hans": (
            "老年人数字技能课程",
            "青年志愿者在社区中心教老年人使用手机、网上服务和视频通话。",
        ),
        "pt": (
            "Competências digitais para idosos",
            "Jovens voluntários ensinam idosos a usar o telemóvel, os serviços em linha e as videochamadas.",
        ),
    },
    {
        "themes": ["kflc-culture", "eq-access"],
        "sdgs": [4, 11],
        "en": (
            "A city-wide learning festival",
            "Every spring, museums, parks, schools and companies open their doors for a week of free learning for all ages.",
        ),
        "fr": (
            "Un festival de l'apprentissage dans toute la ville",
            "Chaque printemps, musées, parcs, écoles et entreprises ouvrent leurs portes pour une semaine d'apprentissage gratuit.",
        ),
        "es": (
            "Un festival del aprendizaje en toda la ciudad",
            "Cada primavera, museos, parques, escuelas y empresas abren sus puertas para una semana de aprendizaje gratuito.",
        ),
        "ar": (
            "مهرجان التعلم في أرجاء المدينة",
            "في كل ربيع تفتح المتاحف والحدائق والمدارس والشركات أبوابها لأسبوع من التعلم المجاني لجميع الأعمار.",
        ),
        "zh-hans": (
            "全市学习节",
            "每年春天，博物馆、公园、学校和企业开放一周，为所有年龄的人提供免费学习活动。",
        ),
        "pt": (
            "Um festival da aprendizagem em toda a cidade",
            "Todas as primaveras, museus, parques, escolas e empresas abrem as portas para uma semana de aprendizagem gratuita.",
        ),
    },
    {
        "themes": ["kflc-workplace", "eq-vulnerable"],
        "sdgs": [4, 8],
        "en": (
            "Second-chance training for young job seekers",
            "Young people who left school early combine paid work placements with evening classes leading to a recognised certificate.",
        ),
        "fr": (
            "Formation de la deuxième chance pour les jeunes",
            "Des jeunes sortis tôt de l'école combinent stages rémunérés et cours du soir menant à un certificat reconnu.",
        ),
        "es": (
            "Formación de segunda oportunidad para jóvenes",
            "Jóvenes que dejaron pronto la escuela combinan prácticas pagadas con clases nocturnas que llevan a un certificado reconocido.",
        ),
        "ar": (
            "تدريب الفرصة الثانية للشباب الباحثين عن عمل",
            "يجمع شباب تركوا المدرسة مبكراً بين التدريب المدفوع والدروس المسائية للحصول على شهادة معترف بها.",
        ),
        "zh-hans": (
            "青年求职者第二次机会培训",
            "早期离校的青年将带薪实习与夜校课程结合，获得认可的证书。",
        ),
        "pt": (
            "Formação de segunda oportunidade para jovens",
            "Jovens que deixaram cedo a escola combinam estágios pagos com aulas noturnas que dão um certificado reconhecido.",
        ),
    },
    {
        "themes": ["kflc-community", "eq-gender"],
        "sdgs": [3, 5],
        "en": (
            "Health learning groups for mothers",
            "Community health workers lead learning groups on nutrition, child health and family budgets for young mothers.",
        ),
        "fr": (
            "Groupes d'apprentissage santé pour les mères",
            "Des agents de santé communautaires animent des groupes sur la nutrition, la santé des enfants et le budget familial.",
        ),
        "es": (
            "Grupos de aprendizaje en salud para madres",
            "Agentes comunitarios de salud dirigen grupos sobre nutrición, salud infantil y presupuesto familiar para madres jóvenes.",
        ),
        "ar": (
            "مجموعات تعلم صحي للأمهات",
            "يقود عاملون في الصحة المجتمعية مجموعات تعلم حول التغذية وصحة الطفل وميزانية الأسرة للأمهات الشابات.",
        ),
        "zh-hans": (
            "母亲健康学习小组",
            "社区卫生工作者为年轻母亲开展营养、儿童健康和家庭预算学习小组。",
        ),
        "pt": (
            "Grupos de aprendizagem em saúde para mães",
            "Agentes comunitários de saúde conduzem grupos sobre nutrição, saúde infantil e orçamento familiar para mães jovens.",
        ),
    },
    {
        "themes": ["kflc-education", "eq-disability"],
        "sdgs": [4, 10],
        "en": (
            "Inclusive schools for children with disabilities",
            "Teachers are trained and classrooms adapted so that children with disabilities learn in their neighbourhood school.",
        ),
        "fr": (
            "Écoles inclusives pour les enfants handicapés",
            "Les enseignants sont formés et les classes adaptées pour que les enfants handicapés apprennent dans l'école du quartier.",
        ),
        "es": (
            "Escuelas inclusivas para niños con discapacidad",
            "Se forma al profesorado y se adaptan las aulas para que los niños con discapacidad aprendan en la escuela del barrio.",
        ),
        "ar": (
            "مدارس دامجة للأطفال ذوي الإعاقة",
            "يُدرَّب المعلمون وتُهيَّأ الفصول ليتعلم الأطفال ذوو الإعاقة في مدرسة الحي.",
        ),
        "zh-hans": ("残障儿童融合学校", "培训教师并改造教室，让残障儿童在社区学校学习。"),
        "pt": (
            "Escolas inclusivas para crianças com deficiência",
            "Os professores recebem formação e as salas são adaptadas para que as crianças com deficiência aprendam na escola do bairro.",
        ),
    },
    {
        "themes": ["kflc-quality", "kflc-community"],
        "sdgs": [4, 11, 13],
        "en": (
            "Urban gardens as outdoor classrooms",
            "Schools and neighbours grow food together and learn about climate, soil and healthy eating in shared gardens.",
        ),
        "fr": (
            "Jardins urbains, salles de classe en plein air",
            "Écoles et voisins cultivent ensemble et apprennent le climat, le sol et l'alimentation saine dans des jardins partagés.",
        ),
        "es": (
            "Huertos urbanos como aulas al aire libre",
            "Escuelas y vecinos cultivan juntos y aprenden sobre clima, suelo y alimentación sana en huertos compartidos.",
        ),
        "ar": (
            "الحدائق الحضرية فصولاً في الهواء الطلق",
            "تزرع المدارس والجيران معاً ويتعلمون عن المناخ والتربة والغذاء الصحي في حدائق مشتركة.",
        ),
        "zh-hans": ("城市菜园户外课堂", "学校和邻居在共享菜园一起种植，学习气候、土壤和健康饮食。"),
        "pt": (
            "Hortas urbanas como salas de aula ao ar livre",
            "Escolas e vizinhos cultivam em conjunto e aprendem sobre clima, solo e alimentação saudável em hortas partilhadas.",
        ),
    },
]

FRAMES = {
    "en": (
        "Before the practice, {topic} was missing in many districts, and the people who needed it most were the least likely to take part.",
        "The city brought together its departments, schools, libraries and civil society. {summary} Staff and volunteers were trained, and the offer was mapped so residents could find it.",
        "In two years, participation grew steadily; an evaluation with participants showed more confidence, new skills and wider networks.",
        "Start small in a few neighbourhoods, listen to participants, and plan the budget for more than one year.",
    ),
    "fr": (
        "Avant ce projet, {topic} manquait dans beaucoup de quartiers, et les personnes qui en avaient le plus besoin y participaient le moins.",
        "La ville a réuni ses services, les écoles, les bibliothèques et la société civile. {summary} Le personnel et les bénévoles ont été formés.",
        "En deux ans, la participation a augmenté ; une évaluation montre plus de confiance et de nouvelles compétences.",
        "Commencer petit dans quelques quartiers, écouter les participants et prévoir le budget sur plusieurs années.",
    ),
    "es": (
        "Antes de la práctica, {topic} faltaba en muchos barrios, y quienes más lo necesitaban participaban menos.",
        "La ciudad reunió a sus departamentos, escuelas, bibliotecas y sociedad civil. {summary} Se formó al personal y a los voluntarios.",
        "En dos años la participación creció; una evaluación muestra más confianza y nuevas habilidades.",
        "Empezar en pocos barrios, escuchar a los participantes y prever el presupuesto para varios años.",
    ),
    "ar": (
        "قبل هذه الممارسة كان {topic} غائباً عن كثير من الأحياء، وكان الأكثر حاجة إليه الأقل مشاركة.",
        "جمعت المدينة إداراتها والمدارس والمكتبات والمجتمع المدني. {summary} وتم تدريب الموظفين والمتطوعين.",
        "خلال عامين ازدادت المشاركة، وأظهر التقييم ثقة أكبر ومهارات جديدة.",
        "ابدأ صغيراً في بضعة أحياء، واستمع إلى المشاركين، وخطط للميزانية لأكثر من عام.",
    ),
    "zh-hans": (
        "在实践之前，许多街区缺少{topic}，最需要的人参与最少。",
        "城市联合各部门、学校、图书馆和民间组织。{summary}工作人员和志愿者接受了培训。",
        "两年内参与人数稳步增长；评估显示参与者更加自信并掌握了新技能。",
        "先在几个街区小规模开展，倾听参与者的意见，并做好多年的预算。",
    ),
    "pt": (
        "Antes da prática, {topic} faltava em muitos bairros, e quem mais precisava era quem menos participava.",
        "A cidade reuniu os seus serviços, escolas, bibliotecas e sociedade civil. {summary} O pessoal e os voluntários receberam formação.",
        "Em dois anos a participação cresceu; uma avaliação mostra mais confiança e novas competências.",
        "Começar em poucos bairros, ouvir os participantes e prever o orçamento para vários anos.",
    ),
}


def _practice_data(
    topic: dict[str, Any], language: str, city: City, variant: int
) -> dict[str, Any]:
    title, summary = topic[language]
    problem, actions, results, lessons = FRAMES[language]
    data = {
        "title": f"{title} ({city.name})"
        if variant == 0
        else f"{title} · {city.name} {variant + 1}",
        "summary": summary,
        "problem": problem.format(topic=title.lower()),
        "actions": actions.format(summary=summary),
        "target_groups": "",
        "themes": list(topic["themes"]),
        "sdgs": [str(goal) for goal in topic["sdgs"]],
        "partners": "",
        "resources": "",
        "results": results,
        "evidence": "",
        "lessons": lessons,
        "contact_name": "",
        "contact_organisation": "",
        "contact_email": "",
        "language": language,
        "translations": {},
    }
    if language != "en" and variant % 3 == 0:
        english_title, english_summary = topic["en"]
        data["translations"] = {"en": {"title": english_title, "summary": english_summary}}
    return data


def _writing_language(city: City) -> str:
    for code in city.languages:
        if code in FRAMES:
            return code
    return "en"


def _create_member_cities(context: DemoContext) -> list[City]:
    created: list[City] = []
    for slug, name, code, region, population, area, lat, lng, tz, languages in MORE_CITIES:
        created.append(
            City.objects.create(
                slug=slug,
                name=name,
                country=country_name(code, "en"),
                country_code=code,
                region=region,
                population=population,
                area_km2=Decimal(area),
                languages=languages,
                time_zone=tz,
                latitude=lat,
                longitude=lng,
                member_since=2015 + len(created) % 9,
                is_demo=True,
            )
        )
    return created


def _profile(city: City, index: int, context: DemoContext) -> None:
    rng = context.rng
    first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
    contact_first, contact_last = (
        FIRST[(index * 3 + 1) % len(FIRST)],
        LAST[(index * 5 + 2) % len(LAST)],
    )
    gdp_country = int(rng.integers(1_500, 60_000))
    men = round(float(rng.uniform(6, 14)), 1)
    services.update_city_profile(
        actor=None,
        city=city,
        changes={
            "website": f"https://{city.slug}.demo.learningcity.example/",
            "mayor_title": "Dr" if index % 4 == 0 else ("Ms" if index % 2 else "Mr"),
            "mayor_name": f"{first} {last} (demo)",
            "mayor_office": "Mayor",
            "contact_name": f"{contact_first} {contact_last} (demo)",
            "contact_title": "Learning city coordinator",
            "contact_organisation": f"City of {city.name}",
            "contact_address": f"City Hall, {city.name}",
            "contact_phone": f"+00 {1000 + index} {2000 + index * 3}",
            "contact_email": f"contact-{city.slug}@{DEMO_EMAIL_DOMAIN}",
            "communication_language": "fr" if "fr" in city.languages[:1] else "en",
            "population_year": 2022,
            "area_year": 2020,
            "gdp_city_usd": Decimal(int(gdp_country * float(rng.uniform(1.0, 1.8)))),
            "gdp_city_year": 2022,
            "gdp_country_usd": Decimal(gdp_country),
            "gdp_country_year": 2022,
            "schooling_men": Decimal(str(men)),
            "schooling_women": Decimal(str(round(men + float(rng.uniform(-2, 1)), 1))),
            "schooling_year": 2021,
        },
    )
    joined = date(city.member_since or 2019, 9, 1)
    services.change_membership_status(
        actor=None,
        city=city,
        status=MembershipStatus.APPLICANT,
        effective_on=joined - timedelta(days=120),
        note="Application received (demo)",
    )
    # Most are members; a few applied recently, lapsed or withdrew.
    fate = index % 13
    if fate == 5:
        return  # still an applicant
    services.change_membership_status(
        actor=None,
        city=city,
        status=MembershipStatus.MEMBER,
        effective_on=joined,
        note="Admitted (demo)",
    )
    if fate == 7:
        services.change_membership_status(
            actor=None,
            city=city,
            status=MembershipStatus.LAPSED,
            effective_on=date(2025, 3, 1),
            note="Biennial report not received (demo)",
        )
    elif fate == 11:
        services.change_membership_status(
            actor=None,
            city=city,
            status=MembershipStatus.WITHDRAWN,
            effective_on=date(2024, 6, 1),
            note="Withdrew at the city's request (demo)",
        )


def _clusters(cities: list[City], context: DemoContext) -> int:
    clusters = list(Cluster.objects.all())
    rows = []
    for index, city in enumerate(cities):
        for offset in range(1 + index % 3):
            rows.append(
                ClusterMembership(cluster=clusters[(index + offset * 3) % len(clusters)], city=city)
            )
    ClusterMembership.objects.bulk_create(rows, ignore_conflicts=True)
    for position, cluster in enumerate(clusters):
        cluster.coordinating_city = cities[(position * 5) % len(cities)]
        cluster.save(update_fields=["coordinating_city"])
    return len(rows)


def _practices(cities: list[City], context: DemoContext) -> int:
    network = context.account("network", name="Network coordinator (demo)")
    count = 0
    members = [
        city
        for city in cities
        if CityProfile.objects.filter(city=city, status=MembershipStatus.MEMBER).exists()
    ]
    for index, city in enumerate(members):
        language = _writing_language(city)
        for variant in range(5):
            topic = TOPICS[(index * 3 + variant * 5) % len(TOPICS)]
            practice = services.create_practice(
                actor=None,
                city=city,
                data=_practice_data(topic, language, city, variant),
                note="First version (demo)",
            )
            count += 1
            state = (index + variant) % 10
            if state == 9:
                continue  # a draft
            services.submit_practice(actor=None, practice=practice)
            if state == 8:
                continue  # waiting for review
            if state == 7:
                services.review_practice(
                    actor=network,
                    practice=practice,
                    decision="return",
                    comment="Please add figures to the results (demo).",
                    recompute=False,
                )
                continue
            services.review_practice(
                actor=network, practice=practice, decision="publish", recompute=False
            )
    return count


def _demo_pdf(city: City) -> bytes:
    """A one-page PDF standing for the mayor's signed endorsement (demo)."""
    text = f"Endorsement of {city.slug} signed by the mayor (demo)"
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# The application texts of the demo: (motivation, implementation) per language.
APPLICATION_TEXTS = {
    "en": (
        "{city} wants every resident to keep learning at every age: a growing share of "
        "young people leave school early and older residents are cut off by the move of "
        "public services online. Learning is how the city means to stay fair.",
        "Libraries, schools and community centres open their doors in the evenings; a "
        "learning festival runs every autumn; the city reports on its progress at "
        "https://{slug}.demo.learningcity.example/reports (demo).",
    ),
    "zh-hans": (
        "{city}希望每一位市民在人生的每个阶段都能持续学习。城市发展很快，许多老年人和外来务工人员"
        "跟不上数字化公共服务的变化，终身学习是让城市保持公平的方式。",
        "图书馆、学校和社区中心在晚上向市民开放；每年秋天举办学习节；城市在网站上公布进展报告"
        "（演示数据）。",
    ),
}


def _apply(
    call: MembershipCall, city: City, applicant: Any, on: date, language: str = "en"
) -> MembershipApplication:
    motivation, implementation = APPLICATION_TEXTS[language]
    return services.apply_for_membership(
        actor=applicant,
        call=call,
        city=city,
        data={
            "language": "fr" if "fr" in city.languages[:1] else "en",
            "motivation": motivation.format(city=city.name, slug=city.slug),
            "implementation": implementation.format(city=city.name, slug=city.slug),
            "interests": "Literacy, health and well-being (demo).",
            "challenges": {
                code: 1 + (index * 2 + len(city.slug)) % 5
                for index, code in enumerate(CHALLENGE_CODES)
            },
            "pledge": True,
        },
        endorsement=_demo_pdf(city),
        today=on,
    )


def _score(
    application: MembershipApplication, jurors: list[Any], scored: int, network: Any
) -> None:
    for number, juror in enumerate(jurors):
        assignment = services.assign_juror(
            actor=network, application=application, email=juror.email
        )
        if number < scored:
            services.score_application(
                actor=juror,
                assignment=assignment,
                scores={code: 3 + (number + index) % 3 for index, code in enumerate(RUBRIC_CODES)},
                comment="A clear vision and realistic first steps (demo).",
                recommendation="admit",
            )


def _membership(cities: list[City], context: DemoContext) -> tuple[int, int]:
    """Two intakes in every state (a closed call of 2023 with its decisions, an open
    call), National Commission and juror accounts, and biennial reports due,
    overdue and received."""
    # The demo cities (and so their applications) are gone; drop the empty old calls.
    MembershipCall.objects.filter(title__endswith="(demo)", applications__isnull=True).delete()
    network = context.account("network", name="Network coordinator (demo)")
    jurors = [
        context.account(f"juror-{number}", name=f"Expert juror {number} (demo)")
        for number in (1, 2)
    ]
    by_slug = {city.slug: city for city in cities}
    for slug in ("lusaka", "sfax", "swansea", "hangzhou", "villa-maria", "namyangju"):
        city = by_slug[slug]
        account = context.account(
            f"commission-{city.country_code.lower()}",
            name=f"National Commission for UNESCO, {city.country} (demo)",
        )
        CommissionGrant.objects.get_or_create(user=account, country_code=city.country_code)

    # The first intake: closed and decided.
    first = services.create_call(
        actor=network,
        data={
            "title": "Membership call 2023 (demo)",
            "opens_on": date(2023, 4, 1),
            "closes_on": date(2023, 5, 31),
            "endorsements_close_on": date(2023, 6, 30),
        },
    )
    applied, decided = date(2023, 5, 10), date(2023, 9, 1)
    admitted = _apply(first, by_slug["lusaka"], None, applied)
    declined = _apply(first, by_slug["sfax"], None, applied)
    not_endorsed = _apply(first, by_slug["swansea"], None, applied)
    for application in (admitted, declined):
        services.endorse_application(
            actor=None, application=application, decision="endorse", today=date(2023, 6, 20)
        )
        _score(application, jurors, 2, network)
    services.endorse_application(
        actor=None,
        application=not_endorsed,
        decision="decline",
        note="The city's plan needs the support of the regional government first (demo).",
        today=date(2023, 6, 20),
    )
    services.decide_application(
        actor=network, application=admitted, decision="admit", today=decided, notify=False
    )
    services.decide_application(
        actor=network,
        application=declined,
        decision="decline",
        note="Please apply again with the implementation plan adopted (demo).",
        today=decided,
        notify=False,
    )
    lusaka = by_slug["lusaka"]
    City.objects.filter(pk=lusaka.pk).update(member_since=2023)
    first_report = MembershipReport.objects.get(city=lusaka, due_on=date(2025, 9, 1))
    services.submit_report(
        actor=None,
        report=first_report,
        achievements="Twelve community learning centres opened; 4,000 adults enrolled (demo).",
        next_steps="A learning festival and literacy circles in every ward (demo).",
    )

    # The second intake: open now, with applications at every step before a decision.
    today = timezone.localdate()
    second = services.create_call(
        actor=network,
        data={
            "title": f"Membership call {today.year} (demo)",
            "opens_on": today - timedelta(days=30),
            "closes_on": today + timedelta(days=45),
            "endorsements_close_on": today + timedelta(days=75),
        },
    )
    _apply(second, by_slug["hangzhou"], None, today, language="zh-hans")  # with the commission
    endorsed = _apply(second, by_slug["villa-maria"], None, today)
    reviewing = _apply(second, by_slug["namyangju"], None, today)  # lapsed, applying again
    ready = _apply(second, by_slug["sfax"], None, today)  # declined in 2023, again
    for application in (endorsed, reviewing, ready):
        services.endorse_application(actor=None, application=application, decision="endorse")
    _score(reviewing, jurors, 1, network)
    _score(ready, jurors, 2, network)

    # Biennial reports of members: due soon (the demo city's), overdue within the
    # grace period, and later ones.
    members = [
        city
        for city in cities
        if CityProfile.objects.filter(city=city, status=MembershipStatus.MEMBER).exists()
    ]
    reports = 1
    for index, city in enumerate(members):
        if city.slug == "lusaka":
            continue
        if city == context.demo_city:
            due = today + timedelta(days=30)
        elif index % 7 == 1:
            due = today - timedelta(days=20)  # overdue, not lapsed yet
        else:
            due = today + timedelta(days=60 + (index * 37) % 600)
        services.schedule_report(city=city, due_on=due)
        reports += 1
    return MembershipApplication.objects.count(), reports


def seed_demo(context: DemoContext) -> None:
    cities = [*context.cities, *_create_member_cities(context)]
    for index, city in enumerate(cities):
        _profile(city, index, context)
    memberships = _clusters(cities, context)
    practices = _practices(cities, context)
    pairs = recompute_similar_practices()
    applications, reports = _membership(cities, context)
    threads, posts, exchanges = _peer_learning(cities, context)
    partners, partnerships, trainings = seed_partners(context)
    context.log(
        f"network: {len(cities)} member profiles, {memberships} cluster memberships, "
        f"{practices} good practices, {pairs} similar pairs, two intakes with "
        f"{applications} applications, {reports} biennial reports, {threads} cluster "
        f"threads with {posts} posts, {exchanges} peer exchanges, {partners} partners with "
        f"{partnerships} partnerships, {trainings} trainings"
    )


# -- peer learning --------------------------------------------------------------------

DEMO_THREADS = [
    (
        "Finding volunteers for adult reading circles",
        [
            "Our libraries want to open **evening reading circles** for adults. How did "
            "your cities find and train volunteers, and how many hours did they give?",
            "We asked retired teachers first, through their union. A two-day course "
            "and a monthly meeting kept most of them for more than a year.",
            "Universities can help too: students earn credits for tutoring. See the "
            "good practices of the cluster for two examples.",
        ],
    ),
    (
        "Measuring literacy beyond enrolment figures",
        [
            "Enrolment counts are easy to collect but say little about what people "
            "can read afterwards. Which short assessments do you use?",
            "Buy cheap certificates here!!!",  # hidden by the coordinating city
            "We use a ten-minute reading task at the start and after six months, "
            "with the same texts in both languages of the city.",
        ],
    ),
]


def _peer_learning(cities: list[City], context: DemoContext) -> tuple[int, int, int]:
    """Two threads in the literacy cluster (one post hidden with its reason, a
    report, a follower), and peer exchanges between the demo's two coordinated
    cities: one completed with its outcome, one waiting for an answer."""
    from learningcity.core.models import RoleGrant

    from . import peer_services
    from .models import Cluster, ClusterMembership

    network = context.account("network", name="Network coordinator (demo)")
    medellin_coordinator = context.accounts.get("coordinator")
    cork_coordinator = context.accounts.get("coordinator-cork")
    if medellin_coordinator is None or cork_coordinator is None:
        return 0, 0, 0
    cork_grant = RoleGrant.objects.filter(user=cork_coordinator, city__isnull=False).first()
    if cork_grant is None or cork_grant.city is None:
        return 0, 0, 0
    medellin, cork = context.demo_city, cork_grant.city
    literacy = Cluster.objects.get(slug="literacy")
    for city in (medellin, cork):
        ClusterMembership.objects.get_or_create(cluster=literacy, city=city)
    literacy.coordinating_city = cork
    literacy.save(update_fields=["coordinating_city"])

    writers = [
        (medellin_coordinator, medellin),
        (cork_coordinator, cork),
        (network, None),
    ]
    posts = 0
    for title, bodies in DEMO_THREADS:
        thread = peer_services.start_thread(
            actor=medellin_coordinator,
            cluster=literacy,
            city=medellin,
            title=title,
            body=bodies[0],
        )
        posts += 1
        for index, body in enumerate(bodies[1:], start=1):
            actor, writer_city = writers[index % len(writers)]
            post = peer_services.reply_to_thread(
                actor=actor, thread=thread, city=writer_city, body=body
            )
            posts += 1
            if body.startswith("Buy cheap"):
                peer_services.report_post(
                    actor=medellin_coordinator, post=post, reason="Advertising."
                )
                peer_services.hide_post(
                    actor=cork_coordinator,
                    post=post,
                    reason="Advertising is not allowed in the cluster's discussions.",
                )
    peer_services.subscribe_to_cluster(actor=cork_coordinator, cluster=literacy)

    done = peer_services.request_exchange(
        actor=medellin_coordinator,
        from_city=medellin,
        to_city=cork,
        topic="Learning festivals in every neighbourhood",
        message="Could two of our organisers spend a week with yours during the festival?",
    )
    peer_services.answer_exchange(
        actor=cork_coordinator, exchange=done, accept=True, note="Yes, in September."
    )
    peer_services.record_exchange_outcome(
        actor=medellin_coordinator,
        exchange=done,
        outcome="Two organisers visited; Medellín now runs its festival in six comunas.",
    )
    peer_services.request_exchange(
        actor=cork_coordinator,
        from_city=cork,
        to_city=medellin,
        topic="Learning in public transport",
        message="We would like to hear how the metro became a place of learning.",
    )
    return len(DEMO_THREADS), posts, 2
