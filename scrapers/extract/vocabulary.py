"""Words pages use to label their boxes, grouped by meaning and by language (ISO 639-1 keys).

Each entry is a label as a reader sees it, in lower case, matched at the start of a short element's text
("Most read today", "Lesen Sie auch:"). The lists are translations of a few ideas, not words collected from
pages, so that a site never seen in a language listed here reads the same way:

- `RELATED_LABELS`: stories related to this one ("Related", "Read also", "More on this story").
- `RANKED_LABELS`: a list ranked by readers ("Most read", "Most viewed", "Trending").
- `OTHER_LIST_LABELS`: lists that are neither, though a class name may call them `popular` or `related`
  ("Top stories", "Latest", "More from <section>"): the label wins over the class.
- `INLINE_RELATED_LABELS`: short words that announce one related link inside the story only when a colon
  follows them ("MORE: ...", "SEE ALSO: ...").

The generic reader's own words follow the box labels: words of class names and ids (`article__intro`,
`byline`), mostly English whatever the page's language, with the other languages' that sites use in their
markup; and per-language tables of words a reader sees (name joiners, home crumbs, ad labels, next-page
labels), from which the reader builds its patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

RELATED_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("related", "related stories", "related articles", "related news", "related content", "related coverage",
           "related links", "related reading", "read also", "also read", "read more",
           "read next", "read this next", "what to read next", "more on this", "more on this story",
           "more on this topic", "more about this", "more stories like this", "more like this", "you may also like",
           "you might also like", "you may also be interested", "you might be interested", "recommended",
           "recommended for you", "recommended stories", "recommended articles", "see also", "further reading",
           "don't miss", "also in the news", "more reading", "explore further"),
    "de": ("mehr zum thema", "lesen sie auch", "siehe auch", "lesen sie mehr", "lies auch", "auch interessant",
           "ebenfalls interessant", "das könnte sie auch interessieren", "das könnte sie interessieren",
           "das könnte dich auch interessieren", "das könnte dich interessieren", "weitere artikel",
           "verwandte artikel", "ähnliche artikel", "passend zum thema", "zum thema",
           "mehr dazu", "empfohlene artikel", "empfehlungen", "unsere empfehlung",
           "dazu passend", "auch lesenswert", "ebenfalls lesenswert", "weitere nachrichten zum thema",
           "mehr über", "mehr zu", "zum weiterlesen"),
    "es": ("te puede interesar", "también te puede interesar", "le puede interesar", "puede interesarte",
           "quizás te interese", "lee también", "lea también", "leer más", "lee más", "noticias relacionadas",
           "artículos relacionados", "contenido relacionado", "relacionado", "relacionados", "relacionadas",
           "más sobre", "ver también", "te recomendamos", "recomendados", "recomendamos"),
    "fr": ("à lire aussi", "a lire aussi", "lire aussi", "à lire également", "lire également", "sur le même sujet",
           "sur le même thème", "articles liés", "articles similaires", "articles associés", "voir aussi",
           "à voir aussi", "vous aimerez aussi", "vous aimerez aussi lire", "vous pourriez aimer",
           "pour aller plus loin", "en savoir plus", "à découvrir aussi", "ces articles peuvent vous intéresser",
           "ça peut vous intéresser", "nos articles sur", "recommandés", "à lire",
           "la rédaction vous conseille", "nos lecteurs ont aussi lu"),
    "it": ("leggi anche", "leggi di più", "articoli correlati", "notizie correlate", "correlati", "correlate",
           "potrebbe interessarti", "ti potrebbe interessare", "potrebbe interessarti anche", "vedi anche",
           "approfondimenti", "approfondisci", "sullo stesso argomento", "dello stesso argomento",
           "consigliati per te", "ti consigliamo"),
    "pt": ("leia também", "leia mais", "veja também", "veja mais", "notícias relacionadas",
           "artigos relacionados", "matérias relacionadas", "conteúdo relacionado", "relacionadas",
           "relacionados", "saiba mais", "você pode gostar", "pode te interessar", "pode interessar",
           "mais sobre", "recomendados para você", "leia a seguir"),
    "nl": ("lees ook", "lees meer", "gerelateerde artikelen", "gerelateerd", "meer over",
           "meer over dit onderwerp", "ook interessant", "zie ook", "aanbevolen", "bekijk ook", "ook gelezen"),
    "sv": ("läs också", "läs även", "läs mer", "relaterat", "relaterade artiklar", "mer om", "se även",
           "rekommenderat"),
    "no": ("les også", "les mer", "relaterte artikler", "relatert", "mer om", "se også", "anbefalt"),
    "da": ("læs også", "læs mere", "relaterede artikler", "relateret", "mere om", "se også", "anbefalet"),
    "fi": ("lue myös", "lue lisää", "aiheeseen liittyvät", "aiheesta lisää", "liittyvät artikkelit",
           "aiheeseen liittyvää", "suosittelemme"),
    "is": ("lestu einnig", "tengdar fréttir", "tengt efni"),
    "pl": ("czytaj też", "czytaj także", "czytaj również", "czytaj więcej", "zobacz też", "zobacz także",
           "zobacz również", "przeczytaj też", "przeczytaj także", "przeczytaj również", "powiązane artykuły",
           "podobne artykuły", "polecamy", "więcej na ten temat", "warto przeczytać", "powiązane"),
    "cs": ("čtěte také", "čtěte též", "přečtěte si také", "přečtěte si", "související články", "související",
           "mohlo by vás zajímat", "další články", "více k tématu", "k tématu"),
    "sk": ("čítajte tiež", "čítajte aj", "prečítajte si", "súvisiace články", "súvisiace", "mohlo by vás zaujímať"),
    "lt": ("taip pat skaitykite", "susiję straipsniai", "skaitykite daugiau", "susijusios naujienos", "susiję",
           "daugiau šia tema"),
    "lv": ("lasiet arī", "lasi arī", "saistītie raksti", "saistītās ziņas", "saistīts", "vairāk par tēmu"),
    "et": ("loe ka", "loe lisaks", "seotud artiklid", "seotud lood", "seotud uudised", "samal teemal"),
    "tr": ("ilgili haberler", "ilgili haber", "ilgili içerikler", "benzer haberler", "bunları da okuyun",
           "bunlar da ilginizi çekebilir", "bu haberler de ilginizi çekebilir", "ilginizi çekebilir",
           "ayrıca okuyun", "şunları da okuyun", "daha fazla oku", "konuyla ilgili"),
    "ar": ("أخبار ذات صلة", "اخبار ذات صلة", "مقالات ذات صلة", "مواضيع ذات صلة", "ذات صلة", "اقرأ أيضا",
           "اقرأ أيضاً", "إقرأ أيضا", "إقرأ أيضاً", "اقرأ ايضا", "قد يهمك", "قد يعجبك", "أخبار متعلقة",
           "مقالات مقترحة", "اقرأ المزيد"),
    "fa": ("مطالب مرتبط", "اخبار مرتبط", "بیشتر بخوانید", "بخوانید"),
    "he": ("כתבות נוספות", "עוד בנושא", "כתבות קשורות"),
    "ja": ("関連記事", "関連ニュース", "関連リンク", "関連する記事", "あわせて読みたい", "併せて読みたい",
           "合わせて読みたい", "こちらもおすすめ", "おすすめ記事", "こちらの記事もおすすめ",
           "この記事を読んだ人におすすめ"),
    "ko": ("관련기사", "관련 기사", "관련뉴스", "관련 뉴스", "함께 볼만한 뉴스", "함께 보면 좋은 뉴스",
           "같이 보면 좋은 뉴스", "추천 기사", "추천기사", "연관 기사", "연관기사"),
    "zh": ("相关新闻", "相关文章", "相关阅读", "相关报道", "延伸阅读", "推荐阅读", "相關新聞", "相關文章", "相關閱讀",
           "相關報導", "延伸閱讀", "推薦閱讀", "猜你喜欢", "你可能也喜欢", "更多相关"),
    "sw": ("habari zinazohusiana", "makala zinazohusiana", "soma pia", "soma zaidi", "habari nyingine"),
    "vi": ("tin liên quan", "tin bài liên quan", "bài liên quan", "bài viết liên quan", "đọc thêm", "xem thêm",
           "có thể bạn quan tâm", "bạn có thể quan tâm"),
    "ru": ("читайте также", "читайте ещё", "читайте еще", "похожие статьи", "похожие новости", "связанные статьи",
           "по теме", "материалы по теме", "новости по теме", "смотрите также", "рекомендуем", "еще по теме",
           "ещё по теме"),
    "uk": ("читайте також", "схожі новини", "по темі", "новини на тему", "матеріали за темою", "за темою"),
    "hu": ("kapcsolódó cikkek", "kapcsolódó", "ezt is olvassa el", "ezek is érdekelhetik", "ajánlott cikkek"),
    "el": ("σχετικά άρθρα", "σχετικά", "διαβάστε επίσης", "διαβάστε ακόμα", "δείτε επίσης"),
    "ro": ("citește și", "citeste si", "articole similare", "articole asemănătoare", "știri similare",
           "te-ar putea interesa"),
    "hr": ("pročitajte i", "pročitajte još", "povezani članci", "povezane vijesti", "vezane vijesti", "povezano",
           "vezano"),
    "sr": ("pročitajte još", "povezane vesti", "povezani tekstovi", "прочитајте још", "повезане вести"),
    "sl": ("preberite tudi", "povezani članki", "sorodne novice"),
    "bg": ("още по темата", "свързани новини", "прочетете още", "вижте още"),
    "id": ("baca juga", "terkait", "berita terkait", "artikel terkait", "tulisan terkait", "baca selengkapnya"),
    "ms": ("baca juga", "berita berkaitan", "artikel berkaitan"),
    "hi": ("संबंधित खबरें", "संबंधित ख़बरें", "यह भी पढ़ें", "ये भी पढ़ें", "और पढ़ें"),
    "th": ("ข่าวที่เกี่ยวข้อง", "บทความที่เกี่ยวข้อง", "อ่านเพิ่มเติม"),
}

RANKED_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("most read", "most-read", "most popular", "most viewed", "most watched", "most shared", "most clicked",
           "most commented", "most emailed", "trending", "trending now", "trending stories", "popular",
           "popular now", "popular stories", "popular articles", "popular posts", "top 10", "top ten", "top 5",
           "top posts", "top reads"),  # (WordPress's "Top Posts & Pages" widget: the most viewed)
    "de": ("meistgelesen", "meist gelesen", "meistgelesene", "am meisten gelesen", "meistgeklickt", "meist geklickt",
           "am meisten geklickt", "am häufigsten gelesen", "meistgesehen", "meist gesehen", "am meisten gesehen",
           "meistkommentiert", "meist kommentiert", "meistgeteilt", "am meisten geteilt", "beliebt",
           "beliebteste", "beliebte artikel", "am beliebtesten", "top gelesen", "top-artikel", "populär",
           "die meistgelesenen", "trends"),
    "es": ("lo más leído", "lo mas leido", "más leídas", "más leídos", "mas leidas", "mas leidos", "lo más visto",
           "más vistos", "más vistas", "lo más popular", "más populares", "artículos populares", "tendencias",
           "lo más compartido",
           "más compartidos"),
    "fr": ("les plus lus", "les plus lues", "articles les plus lus", "les plus consultés", "les plus populaires",
           "les plus partagés", "les plus vus", "les plus commentés", "tendances", "populaire", "le plus lu"),
    "it": ("i più letti", "più letti", "più lette", "le più lette", "i più visti", "più visti", "più popolari",
           "di tendenza", "più condivisi", "più cliccati"),
    "pt": ("mais lidas", "mais lidos", "as mais lidas", "os mais lidos", "mais vistos", "mais vistas",
           "mais populares", "populares", "artigos populares",
           "posts populares", "em alta", "mais acessadas", "mais acessados", "mais compartilhadas"),
    "nl": ("meest gelezen", "meest bekeken", "populair", "meest gedeeld", "best gelezen"),
    "sv": ("mest läst", "mest lästa", "mest sedda", "populärt", "mest delade", "mest klickade"),
    "no": ("mest lest", "mest leste", "mest sett", "populært", "mest delt"),
    "da": ("mest læste", "mest læst", "mest sete", "populært", "mest delte"),
    "fi": ("luetuimmat", "luetuimmat uutiset", "luetuimmat jutut", "katsotuimmat", "suosituimmat", "suosittua",
           "luetuimpia"),
    "is": ("mest lesið", "mest lesnu fréttirnar", "vinsælt"),
    "pl": ("najczęściej czytane", "najpopularniejsze", "najchętniej czytane", "najczęściej oglądane", "popularne",
           "najczęściej komentowane"),
    "cs": ("nejčtenější", "nejčtenější články", "nejsledovanější", "populární", "nejoblíbenější",
           "nejdiskutovanější"),
    "sk": ("najčítanejšie", "najčítanejšie články", "najpopulárnejšie", "populárne"),
    "lt": ("skaitomiausi", "skaitomiausios", "populiariausi", "populiariausios", "skaitomiausios naujienos"),
    "lv": ("lasītākie", "lasītākās", "populārākie", "populārākās", "visvairāk lasītie"),
    "et": ("loetuimad", "enim loetud", "populaarseimad", "populaarsed"),
    "tr": ("en çok okunanlar", "en çok okunan", "en çok okunan haberler", "çok okunanlar", "çok okunan",
           "en popüler", "en çok izlenenler", "en çok izlenen", "popüler", "popüler haberler", "trend"),
    "ar": ("الأكثر قراءة", "الاكثر قراءة", "الأكثر قراءه", "الأكثر مشاهدة", "الاكثر مشاهدة", "الأكثر شعبية",
           "الأكثر تداولا", "الأكثر تداولاً", "الأكثر مشاركة", "الأكثر رواجا", "الأكثر قراءةً"),
    "fa": ("پربازدیدترین", "پربیننده‌ترین", "پربحث‌ترین", "پرخواننده‌ترین"),
    "he": ("הנקראים ביותר", "הכי נקראים", "פופולרי"),
    "ja": ("アクセスランキング", "人気記事", "ランキング", "よく読まれている記事", "最も読まれた記事", "人気ニュース",
           "閲覧数ランキング", "読まれている記事", "注目記事"),
    "ko": ("많이 본", "많이본",
           "많이 본 뉴스", "많이 본 기사", "많이본뉴스", "많이본 뉴스", "가장 많이 본", "인기기사", "인기 기사",
           "인기뉴스", "인기 뉴스", "랭킹뉴스", "랭킹 뉴스", "실시간 인기", "많이 읽은 기사"),
    "zh": ("热门新闻", "热门文章", "热门", "最多阅读", "排行榜", "热读", "熱門新聞", "熱門文章", "熱門",
           "最受欢迎",
           "最受歡迎", "点击排行", "點擊排行", "阅读排行", "閱讀排行", "热榜", "熱榜", "人气排行"),
    "sw": ("zilizosomwa zaidi", "habari zilizosomwa zaidi", "zinazosomwa zaidi", "maarufu", "zinazovuma",
           "zilizotazamwa zaidi"),
    "vi": ("đọc nhiều", "đọc nhiều nhất", "xem nhiều", "xem nhiều nhất", "tin đọc nhiều", "tin xem nhiều",
           "bài đọc nhiều"),
    "ru": ("самое читаемое", "самые читаемые", "самое популярное", "самые популярные", "популярное",
           "популярные новости", "самое обсуждаемое", "читаемое", "самое интересное"),
    "uk": ("найпопулярніше", "найчитаніше", "популярне", "найпопулярніші новини"),
    "hu": ("legolvasottabb", "legolvasottabbak", "legnépszerűbb", "legnépszerűbbek", "népszerű"),
    "el": ("δημοφιλή", "τα πιο δημοφιλή", "πιο διαβασμένα", "τα πιο διαβασμένα", "δημοφιλέστερα"),
    "ro": ("cele mai citite", "cele mai populare", "populare", "cele mai vizualizate"),
    "hr": ("najčitanije", "najpopularnije", "najgledanije"),
    "sr": ("najčitanije", "najpopularnije", "најчитаније", "најпопуларније"),
    "sl": ("najbolj brano", "najbolj brani", "najbolj priljubljeno"),
    "bg": ("най-четени", "най-четено", "най-популярни"),
    "id": ("terpopuler", "paling banyak dibaca", "populer", "terpopuler hari ini", "berita populer",
           "terbanyak dibaca"),
    "ms": ("paling popular", "popular", "paling ramai dibaca"),
    "hi": ("सबसे ज्यादा पढ़ी गई", "सबसे ज़्यादा पढ़ी गई", "सबसे लोकप्रिय", "ट्रेंडिंग", "लोकप्रिय"),
    "th": ("ข่าวยอดนิยม", "ยอดนิยม", "อ่านมากที่สุด"),
}

WATCHED_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("most watched",), "de": ("meistgesehen", "meist gesehen", "am meisten gesehen"), "sv": ("mest sedda",),
    "no": ("mest sett",), "da": ("mest sete",), "nl": ("meest bekeken",), "fi": ("katsotuimmat",),
    "pl": ("najczęściej oglądane",), "cs": ("nejsledovanější",), "hr": ("najgledanije",), "tr": ("en çok izlenen",),
}
"""Labels (`RANKED_LABELS` among them) of a ranking of what is watched, videos: a most-read list comes before it."""

OTHER_LIST_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("top stories", "top news", "top headlines", "latest", "latest news", "latest stories", "latest articles",
           "most recent", "recent posts", "recent stories", "just in", "breaking news", "more from", "more in",
           "more news", "more stories", "editor's picks", "editors' picks", "editor's choice", "featured",
           "headlines", "sponsored", "in case you missed it", "more top stories",
           "related topics"),  # (topics' pages, not stories: DW's "Ähnliche Themen" box was read as related)
    "de": ("neueste", "neueste artikel", "neueste nachrichten", "aktuell", "aktuelle nachrichten", "top-themen",
           "topthemen", "top themen", "schlagzeilen", "mehr aus", "mehr aus dem ressort", "mehr aus der rubrik",
           "zuletzt", "top-news", "ähnliche themen", "verwandte themen", "mehr zum thema lesen"),
    "es": ("últimas noticias", "lo último", "últimas", "más noticias", "más de", "portada", "destacados",
           "noticias destacadas"),
    "fr": ("dernières actualités", "dernières infos", "à la une", "dernières nouvelles", "plus de", "en direct",
           "dans la même rubrique", "l'essentiel", "fil info"),
    "it": ("ultime notizie", "ultim'ora", "altro da", "altre notizie", "in evidenza", "primo piano"),
    "pt": ("últimas notícias", "últimas", "mais de", "destaques", "em destaque"),
    "nl": ("laatste nieuws", "nieuwste", "meer uit", "meer nieuws", "uitgelicht"),
    "sv": ("senaste", "senaste nytt", "mer från", "fler nyheter"),
    "no": ("siste", "siste nytt", "mer fra", "flere nyheter"),
    "da": ("seneste", "seneste nyt", "mere fra", "flere nyheder"),
    "fi": ("tuoreimmat", "uusimmat", "lisää aiheesta"),
    "pl": ("najnowsze", "najnowsze wiadomości", "więcej z"),
    "cs": ("nejnovější", "nejnovější zprávy", "další z"),
    "tr": ("son dakika", "en son", "son haberler", "gündem", "manşet"),
    "ar": ("أحدث الأخبار", "آخر الأخبار", "الأحدث", "عاجل"),
    "ja": ("最新記事", "最新ニュース", "新着記事", "新着"),
    "ko": ("최신기사", "최신 기사", "최신뉴스", "주요뉴스", "주요 뉴스"),
    "zh": ("最新新闻", "最新文章", "最新消息", "要闻", "要聞", "头条"),
    "sw": ("habari mpya", "habari za hivi punde", "habari kuu"),
    "vi": ("tin mới", "tin mới nhất", "mới nhất", "tin cùng chuyên mục", "cùng chuyên mục", "tin nổi bật",
           "tin khác", "tin tức khác"),
    "ru": ("последние новости", "главное", "главные новости", "новости дня", "ещё из", "лента новостей"),
}

THIS_SECTION_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("more in this section", "more from this section", "in this section", "also in this section"),
    "de": ("mehr aus dem ressort", "mehr aus der rubrik"),
    "fr": ("dans la même rubrique", "dans la même catégorie"),
    "es": ("más en esta sección", "en esta sección"),
    "it": ("nella stessa sezione", "altri articoli della sezione"),
}
"""Whole labels of a list of the article's own section that do not name it: lists of neither related nor
most-read stories, read as `more_in_section`."""

INLINE_RELATED_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("more", "also", "related", "see also", "read", "recommended", "click here to read"),
    "de": ("mehr", "auch", "lesen", "siehe auch", "mehr dazu"),
    "es": ("más", "lee", "lea", "ver"),
    "fr": ("lire", "voir", "à voir", "à lire"),
    "it": ("leggi", "vedi"),
    "pt": ("leia", "veja"),
    "nl": ("lees", "zie", "bekijk"),
    "pl": ("czytaj", "zobacz"),
    "tr": ("okuyun", "ilgili"),
    "ru": ("читайте", "смотрите"),
}


# ----------------------------------------------------------------------------- class and id words

BOILERPLATE_CLASS = re.compile(
    r"related|share|sharing|social|newsletter|caption|advert|ads?$|adslot|adunit|promo(?!ted)|recommend"
    r"|comments?$|subscri|breadcrumb|mostread|outbrain|taboola|sidebar|byline|authors?$|teaser|taglist|cookie"
    r"|consent|modal|popup|banner|sponsor|toolbar|visuallyhidden|sronly"
    r"|gallery|slideshow|carousel|lightbox|popular|trending|donat|embed|footer$",
)
"""Words of class names and ids that mark boxes around the story rather than the story (matched at a word's start)."""

STATE_CLASS_WORDS = frozenset({
    "has", "is", "with", "no", "enabled", "disabled", "show", "hide", "active", "count", "open",
})
"""Words that make a class a state of the element ("has-comments", "comments-enabled"), not a box."""

BOX_CLASS_WORDS = frozenset({
    "newsletter", "promo", "related", "teaser", "subscribe", "subscription", "paywall", "advert", "advertisement",
})
"""Class words of a box around an element: a standfirst or a byline is not inside one."""

STANDFIRST_CLASS_WORDS = frozenset({
    "lead", "lede", "leadtext", "standfirst", "intro", "introduction", "summary", "sapo", "dek", "deck",
    "subtitle", "subheadline", "subhead", "excerpt", "abstract", "chapo", "chapeau", "vorspann", "ingress",
    "einleitung", "preface", "entradilla", "occhiello", "sommario", "bajada", "lid", "preamble", "subheader",
})
"""Class words of a standfirst ("article__intro", "SplitScreenContentHeaderDek", "einleitung")."""

NEAR_STANDFIRST_CLASS_WORDS = frozenset({
    "caption", "credit", "credits", "image", "img", "photo", "picture", "media", "figure", "video", "audio",
    "player", "author", "byline", "date", "meta", "share",
})
"""Class words of what is printed near a standfirst and is none (captions, credits, players, bylines)."""

EMPHASIS_CLASS_WORDS = frozenset({"bold", "strong", "medium", "semibold", "emphasis", "lead", "intro"})
"""Class words of a paragraph set apart in bold or as an intro."""

META_CLASS_WORDS = frozenset({"meta"})
"""Class words of the line under the headline that a story's template classes as its meta (`article__meta`,
`post-meta`), with its byline and its date: a date line, whose tries (`DATE_LINE_TRIES`) are counted apart from
those of the lines classed as dates."""

DATE_CLASS_WORDS = frozenset({
    "date", "time", "datetime", "publish", "published", "pubdate", "posted", "timestamp", "dateline",
    "datum", "fecha", "data", "ngay", *META_CLASS_WORDS,
})
"""Class words of an element that prints the date line, read only where the page gives no machine-readable date.
With `META_CLASS_WORDS` (aeb: PolitiFact's `article__meta` "By ... on Monday, November 18th, 2019 at 11:08 a.m.",
whose day was another date of the page's)."""

BYLINE_CLASS = re.compile(
    r"(?:^|[-_\s])(?:byline|author|authors|author-?name|autor|auteur|autore|contributors?|writer|reporter)(?:$|[-_\s])",
    re.I,
)
"""Class or id words of a byline: "byline", "author", "author-name", "article__author" (not "authority")."""

# ----------------------------------------------------------------------------- words of the text, by language

NAME_JOINERS: dict[str, tuple[str, ...]] = {
    "en": ("and",), "de": ("und",), "fr": ("et",), "es": ("y",), "it": ("e",), "pt": ("e",),
    "da": ("og",), "no": ("og",), "sv": ("och",), "nl": ("en",), "vi": ("và",),
}
"""The word between two names of a byline ("Ann Lee and Bo Kim"), in lower case only (a capital "E" is an initial)."""

HOME_CRUMBS: dict[str, tuple[str, ...]] = {
    "en": ("home", "homepage"), "de": ("start", "startseite"), "fr": ("accueil",), "es": ("inicio", "portada"),
    "da": ("forside",), "no": ("forside",), "fi": ("etusivu",), "vi": ("trang chủ",),
}
"""The first crumb of a breadcrumb that is the home page."""

PAID_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("advertisement", "advertorial", "sponsored", "sponsored content", "paid content", "paid post",
           "partner content"),
    "de": ("anzeige", "gesponsert"), "fr": ("contenu sponsorisé", "sponsorisé"),
    "es": ("patrocinado", "contenido patrocinado"), "it": ("sponsorizzato", "contenuto sponsorizzato"),
    "pt": ("patrocinado", "conteúdo patrocinado"), "nl": ("gesponsord",), "da": ("sponsoreret",),
    "no": ("annonse", "sponset"), "sv": ("annons",), "fi": ("mainos",), "pl": ("materiał sponsorowany",),
}
"""The label that marks a teaser as paid placement ("Sponsored" over a card of a related box): those that name
nothing else. Words that are also a section's name or another word ("PR", "AD", "Werbung", "Reklama", "Publicité",
French "annonce", "Promoted") are left out: a box of cards kickered so was lost whole (a review)."""

AD_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("ad", "advert", "advertisement", "advertising", "sponsored", "story continues below advertisement",
           "article continues below advertisement", "scroll to continue", "continue reading below"),
    "de": ("anzeige", "werbung"), "fr": ("publicité",), "es": ("publicidad",), "it": ("pubblicità",),
    "da": ("reklame",), "no": ("annonse", "reklame"), "sv": ("annons",), "fi": ("mainos",),
    "pl": ("reklama",), "cs": ("reklama",), "nl": ("advertentie",), "vi": ("quảng cáo",), "ko": ("광고",),
    "ja": ("広告",),
}
"""Lines printed in the story that only announce an ad slot."""

NEXT_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("next", "next page", "older", "older posts", "more"), "de": ("weiter", "nächste", "nächste seite"),
    "fr": ("suivant", "page suivante"), "es": ("siguiente",), "pt": ("próxima",), "it": ("successiva",),
    "nl": ("volgende",), "sv": ("nästa",), "no": ("neste",), "pl": ("następna",), "ru": ("далее",),
    "vi": ("sau", "trang sau"), "*": ("›", "»", "→", ">"),
}
"""The label of a listing's link to its next page."""


def all_words(by_language: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """Every word of a per-language table, in lower case."""
    return frozenset(word.casefold() for words in by_language.values() for word in words)


def alternation(words: Iterable[str]) -> str:
    """`words` as one regex alternation, longest first (so that no word stops short at another it starts with)."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda word: (-len(word), word)))

PROMPT_CLASS_WORDS = frozenset({"cta", "notification", "notifications"})
"""Class words of a prompt printed over or inside the story, whole words only: a call to action ("single-cta":
subscribe, follow, download the app) or a notification bar ("wpfront-notification-bar")."""

# ----------------------------------------------------------------------------- tags

TAG_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("tags", "tagged", "tagged with", "topics", "related topics", "keywords", "tags and topics"),
    "de": ("themen", "schlagwörter", "schlagworte", "stichwörter", "stichworte", "tags", "mehr zu den themen"),
    "fr": ("mots-clés", "mots clés", "mots-clefs", "thèmes", "sujets", "étiquettes", "tags"),
    "es": ("etiquetas", "temas", "palabras clave", "tags"),
    "it": ("argomenti", "tag", "parole chiave", "temi"),
    "pt": ("tags", "temas", "tópicos", "palavras-chave", "assuntos"),
    "nl": ("tags", "trefwoorden", "onderwerpen"),
    "sv": ("taggar", "ämnen", "nyckelord"), "no": ("emneord", "emner", "stikkord"), "da": ("emner", "tags"),
    "fi": ("aiheet", "avainsanat", "tagit"), "pl": ("tagi", "tematy", "słowa kluczowe"),
    "cs": ("štítky", "témata", "klíčová slova"), "hu": ("címkék", "témák"), "ro": ("etichete", "subiecte"),
    "tr": ("etiketler", "konular", "anahtar kelimeler"), "ru": ("теги", "темы", "ключевые слова", "метки"),
    "uk": ("теги", "теми", "мітки"), "vi": ("tags", "từ khóa", "chủ đề"), "id": ("tag", "topik", "kata kunci"),
    "ja": ("タグ", "キーワード", "関連キーワード"), "zh": ("标签", "標籤", "关键词", "關鍵詞"),
    "ko": ("태그", "키워드"),
}
"""The label a page prints before its tag links ("Tags:", "Themen", "Mots-clés"), matched as the whole text."""

TAG_PATH_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("tag", "tags", "topic", "topics", "keyword", "keywords"),
    "de": ("thema", "themen", "schlagwort", "schlagworte", "stichwort"),
    "fr": ("mot-cle", "mots-cles", "sujet", "sujets", "theme", "themes"),
    "es": ("etiqueta", "etiquetas", "tema", "temas"), "it": ("argomenti", "argomento", "temi"),
    "pt": ("assunto", "assuntos", "topico", "topicos"), "nl": ("onderwerp", "onderwerpen", "trefwoord"),
    "sv": ("amne", "amnen", "taggar"), "no": ("emne", "emner", "stikkord"), "pl": ("tagi", "temat", "tematy"),
    "cs": ("tema", "stitek", "stitky"), "tr": ("etiket", "konu"), "ru": ("tema", "tegi"), "vi": ("chu-de", "tu-khoa"),
}
"""Path segments of the address of a tag's page ("/tag/care-arbeit/", "/thema/ukraine", "/etiqueta/granada")."""

CATEGORY_PATH_WORDS = frozenset({"category", "categories", "categoria", "categorie", "kategorie", "rubrik", "section"})
"""Path segments of a section's page: a `rel=tag` link to one (WordPress's `/category/kultur/`) names the section."""

NOT_STORY_CLASS_WORDS = frozenset({"signup", "poll", "affiliate", "tooltip", "meta", "excerpt"})
"""Class words, whole words only, of what is printed inside the story and is none of it: a sign-up form
("c-inlineSignup", "emailSignup"), a reader poll ("Article_elementPoll"), an affiliate notice or product widget,
a tooltip, a meta line (`post-meta`, `image-meta`: date, source, photo credit), another story's excerpt
(`row-excerpt`). Whole words: `metadata`, `polling` and `signups` are other words."""

HIDDEN_CLASSES = frozenset({
    "hidden", "visually-hidden", "visuallyhidden", "sr-only", "screen-reader-text", "screen-reader-only",
    "d-none", "is-hidden", "u-hidden", "element-invisible",
})
"""Whole class names that hide an element or keep it for screen readers only (Bootstrap's `d-none`, `sr-only`,
`visually-hidden`; WordPress's `screen-reader-text`; Drupal's `element-invisible`): not the story a reader sees."""

PROMPT_PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("sign up for our", "subscribe to our", "click here to subscribe", "follow us", "follow him on",
           "follow her on", "in your inbox", "to your inbox", "bookmark our", "have a tip", "download our app",
           "download the app", "our newsletter", "our newsletters", "daily newsletter"),
    "de": ("abonniere", "abonnieren sie", "folgen sie uns", "folge uns", "folgst du", "newsletter",
           "whatsapp-kanal", "unsere app", "app herunterladen", "jetzt registrieren"),
    "fr": ("abonnez-vous", "inscrivez-vous", "suivez-nous", "notre newsletter", "notre application"),
    "es": ("suscríbete", "suscríbase", "síguenos", "nuestro boletín", "nuestra app", "newsletter"),
    "it": ("iscriviti", "seguici", "abbonati", "la nostra newsletter", "la nostra app"),
    "pt": ("assine", "inscreva-se", "siga-nos", "nossa newsletter", "nosso aplicativo"),
    "nl": ("abonneer", "volg ons", "nieuwsbrief", "download de app"),
    "sv": ("prenumerera", "följ oss", "nyhetsbrev", "ladda ner appen"),
    "pl": ("zapisz się", "subskrybuj", "obserwuj nas", "pobierz aplikację", "newsletter"),
    "id": ("ikuti whatsapp", "whatsapp channel", "google news", "ikuti kami"),
    "tr": ("abone ol", "bizi takip edin", "uygulamamızı indirin"),
}
"""What a prompt printed at the story's edge says (a newsletter, a subscription, a channel or an app to
follow), matched as whole words anywhere in a short block at the end of the body, in lower case. Phrases that
address the reader ("sign up for our", "to your inbox"), not the bare verbs: a story's last line may tell of
people who "sign up" or "subscribe"."""

# ----------------------------------------------------------------------------- bylines

BYLINE_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("by", "written by", "posted by", "reported by", "reporting by", "words by", "story by", "text by",
           "photo by", "photos by", "author", "authors", "text"),
    "de": ("von", "erstellt von", "verfasst von", "geschrieben von", "artikel von", "ein beitrag von",
           "ein kommentar von", "eine analyse von", "ein gastbeitrag von", "gastbeitrag von", "autor", "autorin",
           "autoren", "autorin/autor", "autor/autorin", "autorin / autor", "autor / autorin", "text"),
    "fr": ("par", "écrit par", "publié par", "propos recueillis par", "auteur", "auteurs", "texte"),
    "es": ("por", "escrito por", "publicado por", "autor", "autora", "autores", "texto"),
    "pt": ("por", "escrito por", "publicado por", "autor", "autora", "texto"),
    "it": ("scritto da", "pubblicato da", "autore", "autrice", "testo"),
    "nl": ("door", "geschreven door", "auteur", "tekst"),
    "sv": ("av", "skriven av", "text"), "no": ("av", "skrevet av", "tekst"), "da": ("af", "skrevet af", "tekst"),
    "pl": ("przez", "autor", "autorka", "tekst"), "tr": ("yazar", "muhabir"),
    "ru": ("от", "автор", "авторы", "текст"), "uk": ("автор", "текст"),
    "vi": ("bài", "bài và ảnh", "ảnh", "tác giả", "phóng viên", "pv", "ctv"),
}
"""The label a byline starts with ("By", "Von", "Autor:", "Erstellt von", "Bài:"), or that stands on its own
before the names ("Autorin/Autor"), matched whatever its case and followed by a colon or a space."""

LOWER_CASE_BYLINE_LABELS: dict[str, tuple[str, ...]] = {"it": ("di", "da"), "es": ("de",), "pt": ("de", "da")}
"""Byline labels that are also the particle a surname starts with ("Da Silva", "Di Maria", "De Souza"): a label
only in lower case ("di Mario Rossi")."""
