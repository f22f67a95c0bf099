"""Static demo data: categories, products, tags, people and places."""

# slug, name, parent slug, price range (EUR), weight range (g), product names
CategorySpec = tuple[str, str, str | None, tuple[int, int], tuple[int, int], tuple[str, ...]]

CATEGORIES: tuple[CategorySpec, ...] = (
    ("coffee", "Coffee", None, (8, 24), (250, 1000), (
        "House Espresso Blend", "Breakfast Roast", "Dark Italian Roast", "Swiss Water Decaf",
        "Cold Brew Blend", "Mocha Java",
    )),
    ("coffee-beans", "Single-Origin Beans", "coffee", (11, 32), (250, 1000), (
        "Ethiopia Yirgacheffe", "Colombia Huila", "Kenya Nyeri AA", "Guatemala Antigua",
        "Sumatra Mandheling", "Brazil Cerrado", "Costa Rica Tarrazu", "Rwanda Bourbon",
    )),
    ("coffee-capsules", "Capsules", "coffee", (4, 12), (60, 200), (
        "Lungo Capsules x10", "Ristretto Capsules x10", "Decaf Capsules x10",
        "Vanilla Capsules x10", "Organic Capsules x20", "Variety Pack x30",
    )),
    ("tea", "Tea", None, (5, 28), (50, 500), (
        "Darjeeling First Flush", "Assam Breakfast", "Sencha Kyoto", "Jasmine Pearls",
        "Earl Grey Supreme", "Rooibos Vanilla", "Peppermint Leaves", "Chamomile Blossoms",
    )),
    ("equipment", "Equipment", None, (15, 240), (300, 4000), (
        "Pour-Over Dripper", "French Press 1l", "Moka Pot 6 Cup", "Glass Carafe",
        "Digital Scale", "Milk Frother", "Cold Brew Jar",
    )),
    ("grinders", "Grinders", "equipment", (29, 390), (600, 5000), (
        "Hand Grinder Classic", "Burr Grinder Home", "Burr Grinder Pro", "Travel Grinder",
        "Conical Grinder Deluxe", "Espresso Grinder 64mm", "Spice and Coffee Mill",
    )),
    ("kettles", "Kettles", "equipment", (25, 160), (800, 2200), (
        "Gooseneck Kettle", "Electric Gooseneck Kettle", "Stovetop Kettle",
        "Variable Temperature Kettle", "Travel Kettle", "Cast Iron Tetsubin",
    )),
    ("pantry", "Pantry", None, (3, 19), (100, 1500), (
        "Raw Cane Sugar", "Oat Barista Milk", "Almond Biscotti", "Dark Chocolate 70%",
        "Vanilla Syrup", "Caramel Syrup", "Honey Wildflower", "Cinnamon Sticks",
        "Cocoa Powder", "Paper Filters x100", "Descaling Tablets", "Cleaning Brush Set",
    )),
)

TAGS = (
    "bestseller", "decaf", "eco", "fair-trade", "gift", "limited", "new", "organic", "premium",
    "vegan",
)

WAREHOUSES = (
    ("BER", "Berlin Central", "Berlin"),
    ("HAM", "Hamburg Port", "Hamburg"),
    ("MUC", "Munich South", "Munich"),
)

FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas", "Katrin",
    "Lukas", "Marie", "Nils", "Olga", "Paul", "Rosa", "Simon", "Tina", "Uwe", "Vera", "Wim",
    "Yara", "Zoe",
)
LAST_NAMES = (
    "Abel", "Becker", "Dumont", "Fischer", "Garcia", "Hansen", "Jansen", "Keller", "Lange",
    "Moreau", "Novak", "Rossi", "Schmidt", "Weber", "Visser", "Kowalski",
)
# country, cities; weighted towards the domestic market
PLACES = (
    ("DE", ("Berlin", "Hamburg", "Munich", "Cologne", "Leipzig", "Dresden")),
    ("DE", ("Frankfurt", "Stuttgart", "Bremen", "Hanover")),
    ("DE", ("Nuremberg", "Freiburg", "Kiel")),
    ("FR", ("Paris", "Lyon", "Lille")),
    ("NL", ("Amsterdam", "Utrecht")),
    ("AT", ("Vienna", "Graz")),
    ("IT", ("Milan", "Turin")),
    ("GB", ("London", "Leeds")),
    ("US", ("New York", "Portland")),
)
STREETS = ("Hauptstrasse", "Bahnhofstrasse", "Gartenweg", "Lindenallee", "Marktplatz", "Ringstrasse")

REVIEW_TITLES = {
    5: ("Excellent", "Perfect every morning", "Best I have tried", "Highly recommended"),
    4: ("Very good", "Would buy again", "Solid choice"),
    3: ("It's fine", "Does the job", "Average"),
    2: ("Not for me", "Disappointing"),
    1: ("Arrived damaged", "Poor quality"),
}

PROMOTIONS = (
    # code, description, percent off, minimum subtotal, active
    ("WELCOME10", "10% off your first order", "10", "0", True),
    ("SPRING15", "15% off orders over 50 EUR", "15", "50", True),
    ("VIP20", "20% off orders over 100 EUR", "20", "100", True),
    ("SUMMER23", "Last summer's sale", "25", "0", False),
)
