/*-------------------------------------------------------------------------
 *
 * fake_data.c
 *		Word lists for covet's fake data: names, places, companies, jobs,
 *		and the words sentences are made of.
 *
 * The order of every list is part of covet's output: the generators pick
 * entries by index, and a seed must give the same rows in every version
 * and on every engine.  Append; never reorder or remove.
 *
 * Most entries are ASCII; some names carry accents (UTF-8) so that
 * applications meet them in development.  Emails and user names fold them
 * to ASCII (seed_gen.c).
 *
 *-------------------------------------------------------------------------
 */
#include "fake_data.h"

#define LIST(name, array) \
	const CovetWordList name = {array, sizeof(array) / sizeof(array[0])}

static const char *const first_names[] = {
	"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
	"William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
	"Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa",
	"Anthony", "Betty", "Mark", "Margaret", "Donald", "Sandra", "Steven", "Ashley",
	"Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle",
	"Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Edward", "Deborah",
	"Ronald", "Stephanie", "Timothy", "Rebecca", "Jason", "Laura", "Jeffrey", "Sharon",
	"Ryan", "Cynthia", "Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Shirley",
	"Eric", "Angela", "Jonathan", "Helen", "Stephen", "Anna", "Larry", "Brenda",
	"Justin", "Pamela", "Scott", "Nicole", "Brandon", "Emma", "Benjamin", "Samantha",
	"Samuel", "Katherine", "Gregory", "Christine", "Frank", "Debra", "Alexander", "Rachel",
	"Raymond", "Catherine", "Patrick", "Carolyn", "Jack", "Janet", "Dennis", "Ruth",
	"Jerry", "Maria", "Tyler", "Heather", "Aaron", "Diane", "Jose", "Virginia",
	"Adam", "Julie", "Henry", "Joyce", "Nathan", "Victoria", "Douglas", "Olivia",
	"Zachary", "Kelly", "Peter", "Christina", "Kyle", "Lauren", "Walter", "Joan",
	"Ethan", "Evelyn", "Jeremy", "Judith", "Harold", "Megan", "Keith", "Cheryl",
	"Christian", "Andrea", "Roger", "Hannah", "Noah", "Martha", "Gerald", "Jacqueline",
	"Carl", "Frances", "Terry", "Gloria", "Sean", "Ann", "Austin", "Teresa",
	"Arthur", "Kathryn", "Lawrence", "Sara", "Jesse", "Janice", "Dylan", "Jean",
	"Bryan", "Alice", "Joe", "Madison", "Jordan", "Doris", "Billy", "Abigail",
	"Bruce", "Julia", "Albert", "Judy", "Willie", "Grace", "Gabriel", "Denise",
	"Logan", "Amber", "Alan", "Marilyn", "Juan", "Beverly", "Wayne", "Danielle",
	"Roy", "Theresa", "Ralph", "Sophia", "Randy", "Marie", "Eugene", "Diana",
	"Vincent", "Brittany", "Russell", "Natalie", "Elijah", "Isabella", "Louis", "Charlotte",
	"Bobby", "Rose", "Philip", "Alexis", "Johnny", "Kayla", "Liam", "Mia",
	"Lucas", "Chloe", "Hugo", "Léa", "José", "Zoë", "Chloé", "Renée",
	"Jürgen", "Søren", "Åsa", "Björn", "François", "Hélène", "Łukasz", "Małgorzata",
	"Zoltán", "Dóra", "Iñigo", "Núria", "João", "Conceição", "Mateo", "Lucía",
	"Yuki", "Hiroshi", "Wei", "Mei", "Arjun", "Priya", "Omar", "Fatima",
	"Kwame", "Amara", "Nikolai", "Olga", "Sven", "Ingrid", "Giovanni", "Giulia",
	"Pierre", "Camille", "Lars", "Freya", "Diego", "Valentina", "Ahmed", "Layla",
};
LIST(covet_fake_first_names, first_names);

static const char *const last_names[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
	"Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
	"Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
	"Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
	"Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
	"Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
	"Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy",
	"Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
	"Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
	"Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza",
	"Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers",
	"Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry", "Russell",
	"Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales", "Fisher",
	"Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
	"Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant",
	"Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray",
	"Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
	"Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb",
	"Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter",
	"Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz",
	"Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd",
	"Müller", "Schmidt", "Schröder", "Weiß", "Dubois", "Lefèvre", "Girard", "Rousseau",
	"García", "Martínez", "Fernández", "López", "Peña", "Núñez", "Gonçalves", "Araújo",
	"Nowak", "Kowalski", "Wiśniewski", "Dvořák", "Novák", "Nagy", "Horváth", "Kovács",
	"Jensen", "Nielsen", "Hansen", "Andersson", "Johansson", "Karlsson", "Lindström", "Ødegaard",
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
	"Sato", "Suzuki", "Takahashi", "Tanaka", "Wang", "Li", "Zhang", "Liu",
	"Sharma", "Singh", "Kumar", "Gupta", "Haddad", "Khan", "Okafor", "Mensah",
	"Ivanov", "Petrov", "Smirnov", "Popescu", "Papadopoulos", "Yilmaz", "Demir", "Cohen",
};
LIST(covet_fake_last_names, last_names);

static const char *const cities[] = {
	"New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio", "San Diego",
	"Dallas", "Austin", "Jacksonville", "Columbus", "Charlotte", "Indianapolis", "Seattle", "Denver",
	"Boston", "Nashville", "Portland", "Las Vegas", "Detroit", "Memphis", "Louisville", "Baltimore",
	"Milwaukee", "Albuquerque", "Tucson", "Fresno", "Sacramento", "Atlanta", "Miami", "Oakland",
	"Minneapolis", "Tulsa", "Cleveland", "New Orleans", "Tampa", "Pittsburgh", "Cincinnati", "St. Louis",
	"Toronto", "Montréal", "Vancouver", "Calgary", "Ottawa", "Québec", "Halifax", "Winnipeg",
	"Mexico City", "Guadalajara", "Monterrey", "Bogotá", "Lima", "Santiago", "Buenos Aires", "São Paulo",
	"Rio de Janeiro", "Montevideo", "Quito", "Caracas", "London", "Manchester", "Birmingham", "Leeds",
	"Glasgow", "Edinburgh", "Bristol", "Dublin", "Cork", "Paris", "Lyon", "Marseille",
	"Toulouse", "Nice", "Bordeaux", "Berlin", "Hamburg", "München", "Köln", "Frankfurt",
	"Stuttgart", "Düsseldorf", "Leipzig", "Wien", "Graz", "Zürich", "Genève", "Basel",
	"Amsterdam", "Rotterdam", "Utrecht", "Brussels", "Antwerp", "Luxembourg", "Madrid", "Barcelona",
	"Valencia", "Sevilla", "Málaga", "Bilbao", "Lisbon", "Porto", "Rome", "Milan",
	"Naples", "Turin", "Florence", "Bologna", "Copenhagen", "Aarhus", "Oslo", "Bergen",
	"Stockholm", "Göteborg", "Malmö", "Helsinki", "Reykjavík", "Warsaw", "Kraków", "Łódź",
	"Prague", "Brno", "Budapest", "Vienna", "Bratislava", "Ljubljana", "Zagreb", "Belgrade",
	"Bucharest", "Sofia", "Athens", "Istanbul", "Ankara", "Tel Aviv", "Cairo", "Casablanca",
	"Lagos", "Nairobi", "Accra", "Cape Town", "Johannesburg", "Dubai", "Mumbai", "Delhi",
	"Bangalore", "Chennai", "Karachi", "Dhaka", "Bangkok", "Singapore", "Kuala Lumpur", "Jakarta",
	"Manila", "Hanoi", "Seoul", "Busan", "Tokyo", "Osaka", "Kyoto", "Beijing",
	"Shanghai", "Shenzhen", "Hong Kong", "Taipei", "Sydney", "Melbourne", "Brisbane", "Perth",
	"Adelaide", "Auckland", "Wellington", "Christchurch",
};
LIST(covet_fake_cities, cities);

static const char *const countries[] = {
	"United States", "Canada", "Mexico", "Brazil", "Argentina", "Chile", "Colombia", "Peru",
	"Uruguay", "Ecuador", "Venezuela", "United Kingdom", "Ireland", "France", "Germany", "Austria",
	"Switzerland", "Netherlands", "Belgium", "Luxembourg", "Spain", "Portugal", "Italy", "Denmark",
	"Norway", "Sweden", "Finland", "Iceland", "Poland", "Czechia", "Slovakia", "Hungary",
	"Slovenia", "Croatia", "Serbia", "Romania", "Bulgaria", "Greece", "Türkiye", "Israel",
	"Egypt", "Morocco", "Nigeria", "Kenya", "Ghana", "South Africa", "Ethiopia", "United Arab Emirates",
	"Saudi Arabia", "India", "Pakistan", "Bangladesh", "Sri Lanka", "Nepal", "Thailand", "Singapore",
	"Malaysia", "Indonesia", "Philippines", "Vietnam", "South Korea", "Japan", "China", "Taiwan",
	"Australia", "New Zealand", "Estonia", "Latvia", "Lithuania", "Ukraine", "Georgia", "Armenia",
	"Cyprus", "Malta", "Tunisia", "Senegal", "Côte d'Ivoire", "Cameroon", "Tanzania", "Uganda",
};
LIST(covet_fake_countries, countries);

static const char *const streets[] = {
	"Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake",
	"Hill", "Park", "Walnut", "Sunset", "Lincoln", "Jackson", "Church", "River",
	"Highland", "Willow", "Meadow", "Forest", "Spring", "Chestnut", "Franklin", "Jefferson",
	"Madison", "Adams", "Center", "Mill", "Ridge", "Valley", "Union", "Market",
	"High", "School", "North", "South", "East", "West", "Front", "Water",
	"Bridge", "Station", "Harbor", "Garden", "Orchard", "Prospect", "Liberty", "Cherry",
	"Birch", "Aspen", "Laurel", "Magnolia", "Holly", "Hawthorn", "Juniper", "Spruce",
	"College", "Academy", "King", "Queen", "Victoria", "Albert", "George", "Mountain",
	"Ocean", "Bay", "Beach", "Canal", "Castle", "Abbey", "Chapel", "Fairview",
	"Greenwood", "Kingsway", "Lakeview", "Mapleton", "Riverside", "Woodland", "Brookside", "Hillcrest",
};
LIST(covet_fake_streets, streets);

static const char *const street_suffixes[] = {
	"Street", "Avenue", "Road", "Lane", "Boulevard", "Drive", "Way", "Court",
	"Place", "Terrace", "Square", "Crescent",
};
LIST(covet_fake_street_suffixes, street_suffixes);

static const char *const company_words[] = {
	"Acme", "Apex", "Atlas", "Aurora", "Beacon", "Blue Harbor", "Bright", "Cascade",
	"Cedar", "Clearwater", "Cobalt", "Summit", "Crescent", "Delta", "Evergreen", "Falcon",
	"Frontier", "Global", "Golden Gate", "Granite", "Harbor", "Horizon", "Ironwood", "Keystone",
	"Lighthouse", "Maple", "Meridian", "Nimbus", "Northwind", "Nova", "Oakridge", "Omega",
	"Orion", "Pacific", "Pinnacle", "Pioneer", "Polaris", "Prairie", "Quantum", "Redwood",
	"Riverbend", "Sapphire", "Sierra", "Silverline", "Skyline", "Starlight", "Sterling", "Stonebridge",
	"Sunrise", "Terra", "Titan", "Trident", "Union", "Vanguard", "Vertex", "Vista",
	"Westfield", "Willow", "Zenith", "Zephyr",
};
LIST(covet_fake_company_words, company_words);

static const char *const company_suffixes[] = {
	"Inc.", "LLC", "Ltd", "GmbH", "Group", "Partners", "Systems", "Labs",
	"Solutions", "Industries", "Holdings", "Technologies", "Consulting", "Logistics", "Foods", "Media",
};
LIST(covet_fake_company_suffixes, company_suffixes);

static const char *const jobs[] = {
	"Software Engineer", "Data Analyst", "Product Manager", "Accountant", "Nurse", "Teacher",
	"Graphic Designer", "Sales Representative", "Marketing Manager", "Mechanical Engineer",
	"Civil Engineer", "Electrician", "Plumber", "Carpenter", "Chef", "Pharmacist",
	"Physician", "Dentist", "Veterinarian", "Architect", "Lawyer", "Paralegal",
	"Financial Advisor", "Investment Banker", "Actuary", "Economist", "Statistician", "Librarian",
	"Journalist", "Editor", "Copywriter", "Translator", "Photographer", "Video Editor",
	"Web Developer", "Database Administrator", "Systems Administrator", "Network Engineer", "Security Analyst", "DevOps Engineer",
	"Site Reliability Engineer", "QA Engineer", "UX Designer", "UI Designer", "Data Scientist", "Machine Learning Engineer",
	"Research Scientist", "Lab Technician", "Chemist", "Biologist", "Physicist", "Geologist",
	"Environmental Consultant", "Urban Planner", "Surveyor", "Real Estate Agent", "Property Manager", "Office Manager",
	"Executive Assistant", "Receptionist", "Customer Support Specialist", "Call Center Agent", "Recruiter", "HR Manager",
	"Operations Manager", "Project Manager", "Scrum Master", "Business Analyst", "Management Consultant", "Chief Executive Officer",
	"Chief Technology Officer", "Chief Financial Officer", "Warehouse Worker", "Truck Driver", "Delivery Driver", "Pilot",
	"Flight Attendant", "Travel Agent", "Hotel Manager", "Bartender", "Barista", "Waiter",
	"Baker", "Butcher", "Farmer", "Gardener", "Landscaper", "Janitor",
	"Security Guard", "Police Officer", "Firefighter", "Paramedic", "Social Worker", "Psychologist",
	"Therapist", "Physiotherapist", "Optometrist", "Radiologist", "Surgeon", "Midwife",
	"Professor", "Tutor", "School Principal", "Musician", "Composer", "Actor",
	"Illustrator", "Animator", "Game Developer", "Technical Writer", "Sound Engineer", "Tailor",
};
LIST(covet_fake_jobs, jobs);

static const char *const words[] = {
	"able", "account", "across", "action", "active", "actual", "address", "advance",
	"advice", "after", "again", "agency", "agent", "agree", "allow", "almost",
	"alone", "along", "already", "amount", "animal", "answer", "anyone", "appear",
	"apply", "approach", "area", "argue", "around", "arrive", "article", "artist",
	"assume", "attack", "author", "avoid", "balance", "bank", "base", "beautiful",
	"become", "before", "begin", "behind", "believe", "benefit", "better", "beyond",
	"billion", "black", "blood", "board", "body", "book", "born", "both",
	"break", "bring", "brother", "budget", "build", "business", "buyer", "call",
	"camera", "campaign", "cancel", "capital", "card", "care", "career", "carry",
	"case", "catch", "cause", "center", "central", "century", "certain", "chair",
	"challenge", "chance", "change", "charge", "check", "child", "choice", "choose",
	"church", "citizen", "civil", "claim", "class", "clear", "close", "coach",
	"cold", "collect", "college", "color", "common", "community", "company", "compare",
	"concern", "condition", "consider", "contain", "continue", "control", "cost", "could",
	"country", "couple", "course", "court", "cover", "create", "crime", "cultural",
	"culture", "current", "customer", "dark", "data", "daughter", "dead", "deal",
	"debate", "decade", "decide", "deep", "defense", "degree", "design", "detail",
	"develop", "device", "different", "difficult", "dinner", "direction", "discover", "discuss",
	"disease", "doctor", "dream", "drive", "during", "early", "east", "easy",
	"economy", "edge", "effect", "effort", "eight", "either", "election", "energy",
	"enjoy", "enough", "enter", "entire", "evening", "event", "evidence", "exactly",
	"example", "expect", "expert", "explain", "factor", "family", "father", "feeling",
	"field", "figure", "final", "finally", "financial", "find", "fine", "finger",
	"finish", "first", "fish", "floor", "focus", "follow", "food", "force",
	"foreign", "forget", "form", "former", "forward", "free", "friend", "front",
	"full", "future", "game", "garden", "general", "glass", "goal", "good",
	"green", "ground", "group", "grow", "growth", "guess", "happen", "happy",
	"hard", "health", "hear", "heart", "heavy", "help", "history", "hold",
	"home", "hope", "hospital", "hotel", "hour", "house", "huge", "human",
	"idea", "identify", "image", "imagine", "impact", "improve", "include", "increase",
	"indeed", "industry", "inside", "instead", "interest", "issue", "item", "itself",
	"join", "journey", "judge", "keep", "kitchen", "know", "land", "language",
	"large", "later", "laugh", "lawyer", "lead", "leader", "learn", "least",
	"leave", "legal", "letter", "level", "light", "likely", "line", "list",
	"listen", "little", "local", "long", "machine", "magazine", "maintain", "major",
	"manage", "market", "matter", "maybe", "measure", "media", "medical", "meeting",
	"member", "memory", "method", "middle", "might", "million", "mind", "minute",
	"mission", "model", "modern", "moment", "money", "month", "morning", "mother",
	"motion", "movie", "music", "nation", "natural", "nature", "near", "nearly",
	"network", "never", "news", "night", "north", "note", "nothing", "notice",
	"number", "object", "occur", "offer", "office", "often", "open", "option",
	"order", "other", "outside", "owner", "page", "paper", "parent", "part",
	"party", "pass", "past", "patient", "pattern", "peace", "people", "perform",
	"period", "person", "phone", "picture", "piece", "place", "plan", "plant",
	"player", "point", "policy", "popular", "position", "positive", "power", "practice",
	"prepare", "present", "pressure", "pretty", "prevent", "price", "private", "problem",
	"process", "produce", "product", "program", "project", "property", "protect", "prove",
	"public", "purpose", "quality", "question", "quickly", "quite", "radio", "range",
	"rather", "reach", "ready", "reality", "reason", "receive", "record", "reduce",
	"region", "remain", "remember", "report", "research", "resource", "response", "result",
	"return", "reveal", "rich", "right", "rise", "river", "road", "rock",
	"room", "rule", "safe", "same", "save", "scene", "school", "science",
	"season", "seat", "second", "section", "security", "seek", "sense", "series",
	"serious", "serve", "service", "seven", "several", "shake", "share", "short",
	"shoulder", "show", "side", "sign", "similar", "simple", "simply", "since",
	"single", "sister", "site", "situation", "skill", "small", "social", "society",
	"soldier", "some", "song", "soon", "sort", "sound", "source", "south",
	"space", "speak", "special", "spend", "sport", "spring", "staff", "stage",
	"stand", "standard", "star", "start", "state", "station", "stay", "step",
	"still", "stock", "stone", "store", "story", "strategy", "street", "strong",
	"student", "study", "stuff", "style", "subject", "success", "suddenly", "summer",
	"support", "surface", "system", "table", "talk", "task", "teach", "team",
	"tend", "term", "test", "thank", "theory", "thing", "think", "third",
	"though", "thought", "thousand", "threat", "through", "throw", "today", "together",
	"tonight", "total", "tough", "toward", "town", "trade", "travel", "treat",
	"tree", "trial", "trip", "trouble", "true", "truth", "turn", "type",
	"under", "unit", "until", "upon", "usually", "value", "various", "very",
	"view", "visit", "voice", "wait", "walk", "wall", "watch", "water",
	"wear", "week", "weight", "west", "whatever", "whole", "window", "winter",
	"wish", "within", "without", "woman", "wonder", "word", "work", "worker",
	"world", "worry", "write", "writer", "wrong", "yard", "yeah", "year",
	"young", "yourself",
};
LIST(covet_fake_words, words);

static const char *const domains[] = {
	"example.com", "example.org", "example.net", "mail.example.com",
	"inbox.example.org", "post.example.net", "corp.example.com", "web.example.org",
};
LIST(covet_fake_domains, domains);

static const char *const tlds[] = {
	"com", "org", "net", "io", "dev", "co", "app", "info",
};
LIST(covet_fake_tlds, tlds);
