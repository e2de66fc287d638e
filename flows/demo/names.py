"""Word lists for invented companies and people; none of the composed names is a real company."""

from __future__ import annotations

VENDOR_DOMAIN = "loopkeeper-demo.io"
APP_URL = "https://app.loopkeeper-demo.io"
ZENDESK_URL = "https://loopkeeper-demo.zendesk.com/api/v2/incremental/tickets.json"

FIRST_NAMES = (
    "Aaliyah", "Aaron", "Abdul", "Ada", "Adrian", "Aisha", "Akira", "Alejandro", "Alex", "Alice",
    "Amara", "Amir", "Ana", "Andre", "Anika", "Anna", "Arjun", "Astrid", "Ayesha", "Beatriz",
    "Ben", "Bianca", "Bilal", "Brandon", "Bruno", "Caleb", "Camila", "Carlos", "Carmen", "Chen",
    "Chloe", "Chris", "Claire", "Dana", "Daniel", "Daria", "David", "Deepa", "Diego", "Dmitri",
    "Elena", "Eli", "Elif", "Emeka", "Emily", "Emma", "Erik", "Esther", "Ethan", "Fatima",
    "Felix", "Fiona", "Gabriel", "Grace", "Hana", "Hannah", "Harper", "Hassan", "Ines", "Ivan",
    "Jack", "Jada", "James", "Jamal", "Jana", "Javier", "Jenna", "Jin", "Joao", "Jonas",
    "Jordan", "Jose", "Julia", "Kai", "Karim", "Kate", "Kenji", "Keisha", "Kevin", "Laila",
    "Lars", "Laura", "Leah", "Leo", "Liam", "Lina", "Lucas", "Lucia", "Maeve", "Malik",
    "Marco", "Maria", "Mateo", "Maya", "Mei", "Mia", "Michael", "Mikael", "Nadia", "Naomi",
    "Nate", "Nia", "Nikhil", "Nina", "Noah", "Nora", "Oliver", "Olu", "Omar", "Paula",
    "Pedro", "Priya", "Quinn", "Rachel", "Rafael", "Ravi", "Rhea", "Rosa", "Ryan", "Sam",
    "Samir", "Sara", "Sean", "Sofia", "Sophie", "Sven", "Tariq", "Tess", "Theo", "Tomas",
    "Uma", "Valentina", "Victor", "Wei", "Will", "Yara", "Yusuf", "Zane", "Zara", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Abara", "Adler", "Ahmed", "Alvarez", "Andersen", "Arora", "Baker", "Banerjee", "Barros",
    "Becker", "Bell", "Bergstrom", "Bianchi", "Bishop", "Brennan", "Brooks", "Castillo", "Chan",
    "Chavez", "Cho", "Coleman", "Costa", "Cruz", "Dahl", "Das", "Delgado", "Dubois", "Duarte",
    "Edwards", "Eriksen", "Evans", "Farah", "Ferreira", "Fischer", "Flores", "Foster", "Garcia",
    "Gomez", "Gupta", "Haas", "Hale", "Hansen", "Hayes", "Hoang", "Hughes", "Ibrahim", "Ito",
    "Jensen", "Johnson", "Kaur", "Keller", "Kim", "Klein", "Kowalski", "Kumar", "Larsen", "Lee",
    "Lindqvist", "Lopez", "Lund", "Mahmoud", "Marsh", "Martin", "Mendes", "Meyer", "Mitchell",
    "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak", "Nowak", "Obi", "Okafor", "Olsen",
    "Ortiz", "Osei", "Park", "Patel", "Perez", "Petrov", "Pham", "Quinn", "Raman", "Reyes",
    "Richter", "Rivera", "Rossi", "Russo", "Sato", "Schmidt", "Shah", "Silva", "Singh", "Sokolov",
    "Suzuki", "Tan", "Taylor", "Torres", "Tran", "Turner", "Vargas", "Vogel", "Walsh", "Wang",
    "Weber", "Whitfield", "Wong", "Yadav", "Young", "Zhang", "Zimmerman",
)  # fmt: skip

# Company names are composed: a stem (prefix + suffix, or a single word) and an industry word.
NAME_PREFIXES = (
    "North", "South", "East", "West", "Blue", "Red", "Green", "Silver", "Gold", "Iron", "Stone",
    "River", "Lake", "Harbor", "Summit", "Pine", "Oak", "Cedar", "Maple", "Bright", "Clear",
    "Swift", "True", "High", "Deep", "Wild", "Sun", "Moon", "Star", "Cloud", "Frost", "Ember",
    "Copper", "Granite", "Falcon", "Fox", "Wolf", "Bear", "Hawk", "Raven", "Arrow", "Anchor",
    "Beacon", "Bridge", "Crest", "Delta", "Echo", "Field", "Glen", "Haven", "Keystone", "Lumen",
)  # fmt: skip
NAME_SUFFIXES = (
    "wind", "stone", "field", "gate", "line", "point", "brook", "ridge", "way", "light", "path",
    "works", "forge", "vale", "port", "wood", "crest", "bay", "peak", "side", "mark", "well",
    "view", "land", "bridge", "dale", "mont", "ford", "shore", "spring",
)  # fmt: skip
SINGLE_STEMS = (
    "Acorn", "Alder", "Altura", "Apex", "Aria", "Bramble", "Brightly", "Cadence", "Calyx",
    "Cobalt", "Corvid", "Dovetail", "Driftwood", "Elm & Ivy", "Fathom", "Fernhill", "Flint",
    "Gable", "Halcyon", "Heron", "Juniper", "Kestrel", "Lattice", "Loom", "Marlow", "Meridian",
    "Nimbus", "Orchard", "Osprey", "Paragon", "Pebble", "Quarry", "Quill", "Rook", "Saffron",
    "Sable", "Sparrow", "Tandem", "Thistle", "Tidewater", "Verdant", "Wren", "Yarrow", "Zephyr",
)  # fmt: skip
INDUSTRIES = (
    "Logistics", "Health", "Analytics", "Foods", "Capital", "Labs", "Systems", "Freight",
    "Energy", "Retail", "Insurance", "Robotics", "Media", "Learning", "Legal", "Dental",
    "Manufacturing", "Solar", "Payments", "Realty", "Travel", "Hospitality", "Biotech",
    "Security", "Software", "Marine", "Aerospace", "Apparel", "Pharma", "Telecom", "Partners",
    "Group", "Holdings", "Studios", "Networks", "Consulting", "Outfitters", "Clinics",
)  # fmt: skip
TLDS = (".com", ".com", ".com", ".com", ".io", ".co", ".net", ".de", ".co.uk", ".fr", ".com.br")

PERSONAL_DOMAINS = (
    "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me",
)  # fmt: skip

SUPPORT_AGENTS = ("Marta", "Jules", "Kofi", "Lena", "Tom", "Anjali", "Rui", "Beth")
