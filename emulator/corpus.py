"""Static vocabulary the synthetic world is drawn from: regions, categories, channel profiles, text.

Nothing here is random; ``generation.py`` picks from these lists with a seeded ``random.Random``.
Category ids and titles are those of the real YouTube ``videoCategories.list`` (US) response.
"""

from __future__ import annotations

from dataclasses import dataclass

# ISO 3166-1 alpha-2 code -> English name, as i18nRegions.list (hl=en_US) spells it.
REGION_NAMES: dict[str, str] = {
    "US": "United States",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "JP": "Japan",
    "KR": "South Korea",
    "IN": "India",
    "BR": "Brazil",
    "MX": "Mexico",
    "CA": "Canada",
    "ES": "Spain",
    "IT": "Italy",
    "AU": "Australia",
    "NL": "Netherlands",
    "SE": "Sweden",
    "PL": "Poland",
}

DEFAULT_REGIONS: tuple[str, ...] = (
    "US", "GB", "DE", "FR", "JP", "KR", "IN", "BR", "MX", "CA", "ES", "IT", "AU", "NL",
)  # fmt: skip

# (id, title, assignable), in the order the real API lists them.
CATEGORIES: tuple[tuple[str, str, bool], ...] = (
    ("1", "Film & Animation", True),
    ("2", "Autos & Vehicles", True),
    ("10", "Music", True),
    ("15", "Pets & Animals", True),
    ("17", "Sports", True),
    ("18", "Short Movies", False),
    ("19", "Travel & Events", True),
    ("20", "Gaming", True),
    ("22", "People & Blogs", True),
    ("23", "Comedy", True),
    ("24", "Entertainment", True),
    ("25", "News & Politics", True),
    ("26", "Howto & Style", True),
    ("27", "Education", True),
    ("28", "Science & Technology", True),
    ("29", "Nonprofits & Activism", True),
    ("30", "Movies", False),
    ("44", "Trailers", False),
)

# Categories some regions lack (never the chart categories 1/10/20 nor the common 22/24).
OPTIONAL_CATEGORIES: tuple[str, ...] = ("2", "18", "29", "30", "44")

# Categories that can have their own mostPopular chart (Trending Music, Gaming, Film).
CHART_CATEGORIES: tuple[str, ...] = ("10", "20", "1")

YOUTUBE_CATEGORY_CHANNEL_ID = "UCBR8-60-B28hp2BmDPdntcQ"


@dataclass(frozen=True)
class Profile:
    """A channel personality: name, handle, country, language and theme."""

    title: str
    handle: str
    country: str | None
    theme: str
    language: str


TRACKED_PROFILES: tuple[Profile, ...] = (
    Profile("Kitchen Lab", "kitchenlab", "US", "cooking", "en"),
    Profile("Pixel Forge", "pixelforge", "GB", "gaming", "en"),
    Profile("Nordlicht Musik", "nordlichtmusik", "DE", "music", "de"),
    Profile("Atelier Lumière", "atelierlumiere", "FR", "film", "fr"),
    Profile("Tokyo Byte", "tokyobyte", "JP", "tech", "ja"),
)

UNTRACKED_PROFILES: tuple[Profile, ...] = (
    Profile("Sakura Sounds", "sakurasounds", "JP", "music", "ja"),
    Profile("Neon Arcade", "neonarcade", "KR", "gaming", "ko"),
    Profile("Cinéma Court", "cinemacourt", "FR", "film", "fr"),
    Profile("Goal Line Daily", "goallinedaily", "BR", "sports", "pt"),
    Profile("Laugh Track", "laughtrack", "US", "comedy", "en"),
    Profile("Brainy Bits", "brainybits", "IN", "education", "en"),
    Profile("Road Atlas", "roadatlas", "ES", "travel", "es"),
    Profile("Paws & Claws", "pawsandclaws", "CA", "pets", "en"),
    Profile("Torque Garage", "torquegarage", "IT", "autos", "it"),
    Profile("Beat Street", "beatstreet", "MX", "music", "es"),
    Profile("Respawn Squad", "respawnsquad", "US", "gaming", "en"),
    Profile("Frame by Frame", "framebyframe", None, "film", "en"),
)


@dataclass(frozen=True)
class Theme:
    """What a channel of one theme uploads: categories (first is the usual one), words, titles."""

    categories: tuple[str, ...]
    nouns: tuple[str, ...]
    templates: tuple[str, ...]
    tags: tuple[str, ...]
    playlist_names: tuple[str, ...]


THEMES: dict[str, Theme] = {
    "cooking": Theme(
        ("26", "22", "24"),
        ("ramen", "sourdough", "tacos", "lasagna", "curry", "pancakes", "dumplings", "pho"),
        (
            "How to make {noun} in {n} minutes",
            "{Noun} - the only recipe you need",
            "I tried {n} {noun} recipes so you don't have to",
            "Weeknight {noun} on a budget",
            "{Noun} vs {noun2}: which is easier?",
            "Fixing your {noun} mistakes",
        ),
        ("recipe", "cooking", "food", "easy recipe", "kitchen", "homemade", "dinner"),
        ("Weeknight dinners", "Baking basics", "Street food", "Meal prep", "Holiday menus"),
    ),
    "gaming": Theme(
        ("20", "24", "22"),
        ("speedrun", "boss fight", "raid", "build", "mod", "ranked match", "co-op run"),
        (
            "Beating the final {noun} with no damage",
            "{n} tips for your first {noun}",
            "This {noun} broke the game",
            "Live {noun} highlights #{n}",
            "Ranking every {noun} (tier list)",
        ),
        ("gaming", "gameplay", "walkthrough", "lets play", "pc gaming", "speedrun"),
        ("Let's plays", "Speedruns", "Tier lists", "Live highlights", "Indie gems"),
    ),
    "music": Theme(
        ("10", "24", "22"),
        ("piano cover", "live session", "acoustic set", "remix", "b-side", "demo"),
        (
            "{Noun} #{n} (official video)",
            "Late night {noun}",
            "{Noun} - studio version",
            "Rehearsal tape: {noun}",
            "{n} songs, one {noun}",
        ),
        ("music", "live", "cover", "acoustic", "piano", "official video"),
        ("Live sessions", "Covers", "Official videos", "Rehearsals", "Acoustic"),
    ),
    "film": Theme(
        ("1", "24", "30"),
        ("short film", "animation test", "trailer", "storyboard", "stop motion"),
        (
            "{Noun}: behind the scenes",
            "Our new {noun} ({n} min)",
            "Making a {noun} in {n} days",
            "{Noun} breakdown",
        ),
        ("film", "animation", "short film", "filmmaking", "vfx"),
        ("Short films", "Behind the scenes", "Animation tests", "Festival picks"),
    ),
    "tech": Theme(
        ("28", "27", "22"),
        ("laptop", "home server", "keyboard", "camera", "router", "e-reader"),
        (
            "{Noun} review after {n} months",
            "Building a {noun} for under ${n}00",
            "{n} things I wish I knew about my {noun}",
            "{Noun} teardown",
        ),
        ("tech", "review", "unboxing", "diy", "homelab", "gadgets"),
        ("Reviews", "Homelab", "Teardowns", "Buying guides", "Tutorials"),
    ),
    "sports": Theme(
        ("17", "24", "25"),
        ("derby", "final", "transfer window", "comeback", "penalty shootout"),
        ("Every goal from the {noun}", "{Noun} recap (week {n})", "The {noun} nobody expected"),
        ("football", "soccer", "highlights", "goals", "sports"),
        ("Highlights", "Match recaps", "Analysis"),
    ),
    "comedy": Theme(
        ("23", "24", "22"),
        ("office party", "road trip", "job interview", "family dinner", "group chat"),
        ("When the {noun} goes wrong", "{Noun} but everyone is a robot", "{n} types of {noun}"),
        ("comedy", "sketch", "funny", "skit", "parody"),
        ("Sketches", "Parodies", "Bloopers"),
    ),
    "education": Theme(
        ("27", "28", "22"),
        ("calculus", "photosynthesis", "black holes", "grammar", "the Roman Empire"),
        ("{Noun} explained in {n} minutes", "Why {noun} matters", "{Noun}: a visual guide"),
        ("education", "explained", "science", "learning", "study"),
        ("Explainers", "Exam prep", "Crash courses"),
    ),
    "travel": Theme(
        ("19", "22", "24"),
        ("night train", "island", "old town", "street market", "mountain pass"),
        ("{n} hours on a {noun}", "Exploring a hidden {noun}", "{Noun} travel guide"),
        ("travel", "vlog", "backpacking", "travel guide", "adventure"),
        ("Europe by train", "Island hopping", "City guides"),
    ),
    "pets": Theme(
        ("15", "22", "24"),
        ("puppy", "rescue cat", "parrot", "hamster", "corgi"),
        ("Our {noun} meets the vet", "{n} days with a {noun}", "Training a {noun}"),
        ("pets", "dogs", "cats", "animals", "cute"),
        ("Rescue stories", "Training", "Daily life"),
    ),
    "autos": Theme(
        ("2", "28", "24"),
        ("hatchback", "EV", "classic coupe", "pickup", "rally car"),
        ("Restoring a {noun} in {n} steps", "{Noun} road test", "Is the {noun} worth it?"),
        ("cars", "auto", "review", "restoration", "ev"),
        ("Restorations", "Road tests", "Garage tips"),
    ),
}

# Titles outside ASCII: Japanese, Korean, German, French, Spanish, Portuguese, emoji.
NON_ASCII_TITLES: tuple[str, ...] = (
    "【初心者向け】5分でわかる東京の朝ごはん",
    "ゲーム実況：最終ボス戦！",
    "猫と一緒にピアノを弾いてみた",
    "한국 길거리 음식 투어",
    "Straßenmusik in München – größter Auftritt",
    "Übung macht den Meister: Gitarre für Anfänger",
    "Käsespätzle wie bei Oma",
    "Crème brûlée facile en 10 minutes",
    "Année de folie : notre rétrospective",
    "Año nuevo en São Paulo",
    "Café con leche: ¿cómo se hace?",
    "🔥 The BEST speedrun ever 🔥",
    "Trying 10 hot sauces 🌶️🌶️🌶️",
    "🎹 Late night jam session 🌙",
    "Ça marche ! Résumé de la saison ⚽",
    "Fjällräven & smörgåsbord: a Swedish weekend",
)

# Titles with characters that break naive HTML/CSV handling (the API returns them raw).
HTML_TITLES: tuple[str, ...] = (
    "Tom & Jerry <3 our cat's reaction",
    'Is 5 > 3? "Rock & Roll" quiz <live>',
)

NON_ASCII_PLAYLIST_TITLES: tuple[str, ...] = (
    "お気に入り",
    "Größte Hits",
    "Été 2025 ☀️",
    "Lo mejor del año",
)

DESCRIPTION_LINES: tuple[str, ...] = (
    "Thanks for watching! New videos every week.",
    "Everything we used is linked below.",
    "Chapters:\n0:00 Intro\n1:12 Main part\n4:30 Outro",
    "Filmed on location, edited over far too many coffees.",
    "Questions? Leave a comment and we will answer in the next video.",
    "Music licensed for this video.",
)
