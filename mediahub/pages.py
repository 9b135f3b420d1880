"""The statements' starting pages (about, privacy, accessibility) beside the wall, made once.

Like the home page and the wall, they are made by a data migration on the historical models and
by the test suite on the real ones after it empties the database, each with its English
translation (Wagtail's localisation: one page per language); editors take the text from there.
The texts say what the code does: change them with the code they describe.
"""

from django.apps.registry import Apps
from django.conf import settings
from django.utils import timezone

# Wagtail's page tree (django-treebeard): each level adds four base-36 digits to the path.
STEP = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

ABOUT_NL = """\
<p>Muurkrant brengt het nieuws van de lokale omroepen, culturele instellingen, \
buurtinitiatieven en de gemeente samen op één plek. Daarachter zit Mediahub: het gedeelde \
platform waarop deze partners hun nieuws, video en audio met elkaar delen.</p>
<h2>Wie maakt dit?</h2>
<p>De gemeente biedt Mediahub en Muurkrant aan als gedeelde voorziening voor de lokale media. \
Redacteuren van de gemeente modereren wat op de muurkrant verschijnt. Elke partner blijft \
verantwoordelijk voor de eigen berichten: bij elk bericht staat van wie het komt, met een link \
naar het origineel.</p>
<h2>Onze feedlezer</h2>
<p>Mediahub haalt de feeds op (RSS, Atom, JSON Feed, videokanalen en podcasts) die partners hier \
hebben aangemeld. De feedlezer stelt zich voor als <code>Mediahub/1.0</code>, met een link naar \
deze pagina. Hij houdt zich in:</p>
<ul>
<li>hij haalt een feed standaard eens per kwartier op en nooit vaker dan eens per vijf minuten; \
vraagt de feed om minder (met Cache-Control: max-age of een ttl in RSS), dan komt hij minder \
vaak;</li>
<li>hij vraagt voorwaardelijk (If-None-Match en If-Modified-Since), zodat een ongewijzigde feed \
kort kan antwoorden met 304 Not Modified;</li>
<li>bij 429 Too Many Requests of 503 wacht hij zo lang als Retry-After zegt, en na fouten wacht \
hij steeds langer, tot een dag;</li>
<li>na een permanente doorverwijzing (301 of 308) onthoudt hij het nieuwe adres;</li>
<li>hij haalt alleen de feed en de afbeeldingen die erin staan, geen andere pagina's van uw \
site.</li>
</ul>
<p>Wilt u dat wij uw feed niet meer ophalen? Laat de feed antwoorden met 410 Gone: dan stopt de \
feedlezer voorgoed. U kunt ons ook schrijven (zie Contact hieronder); dan zetten wij de bron \
uit.</p>
"""

ABOUT_EN = """\
<p>Muurkrant (“wall newspaper”) brings the news of the city’s local broadcasters, cultural \
institutions, neighbourhood initiatives and the municipality together in one place. Behind it \
is Mediahub: the shared platform on which these partners share their news, video and audio.</p>
<h2>Who runs this?</h2>
<p>The municipality offers Mediahub and Muurkrant as a shared service for the local media. The \
municipality’s editors moderate what appears on the wall. Each partner remains responsible for \
its own posts: every post says whom it comes from, with a link to the original.</p>
<h2>Our feed reader</h2>
<p>Mediahub fetches the feeds (RSS, Atom, JSON Feed, video channels and podcasts) that partners \
have registered here. The feed reader introduces itself as <code>Mediahub/1.0</code>, with a \
link to this page. It holds back:</p>
<ul>
<li>it fetches a feed every fifteen minutes by default and never more often than every five \
minutes; if the feed asks for less (with Cache-Control: max-age or an RSS ttl), it comes less \
often;</li>
<li>it asks conditionally (If-None-Match and If-Modified-Since), so an unchanged feed can answer \
briefly with 304 Not Modified;</li>
<li>on 429 Too Many Requests or 503 it waits as long as Retry-After says, and after errors it \
waits longer each time, up to a day;</li>
<li>after a permanent redirect (301 or 308) it remembers the new address;</li>
<li>it fetches only the feed and the images in it, no other pages of your site.</li>
</ul>
<p>Would you like us to stop fetching your feed? Let the feed answer 410 Gone: the feed reader \
then stops for good. You can also write to us (see Contact below) and we will switch the source \
off.</p>
"""

PRIVACY_NL = """\
<p>De gemeente is verwerkingsverantwoordelijke voor Mediahub en Muurkrant in de zin van de \
Algemene verordening gegevensbescherming (AVG). Wij verwerken zo min mogelijk \
persoonsgegevens.</p>
<h2>Als u de muurkrant leest</h2>
<p>Wij gebruiken geen trackers, geen bezoekersstatistieken van anderen en geen advertenties. \
Onze server ontvangt uw IP-adres om u de pagina te kunnen sturen, zoals bij elke website; de \
toepassing slaat het niet op. Wij tellen alleen hoe vaak elk bericht per dag gelezen is: een \
getal per bericht per dag, zonder iets over u. Wij plaatsen geen cookies, met twee \
uitzonderingen die nodig zijn voor wat u zelf doet:</p>
<ul>
<li>als u een andere taal kiest, onthoudt een taalcookie die keuze;</li>
<li>als u het meldformulier opent, beschermt een beveiligingscookie het formulier tegen \
vervalste verzoeken.</li>
</ul>
<p>Alles op de muurkrant komt van onze eigen server. Pas als u op de afspeelknop van een video \
drukt, laden wij de speler van de videodienst (YouTube via youtube-nocookie.com, Vimeo met “do \
not track”, of een PeerTube-server). Die dienst ontvangt dan uw IP-adres en verwerkt gegevens \
onder zijn eigen privacyverklaring. Audio van een partner wordt pas van diens server geladen \
als u op afspelen drukt. De deelknoppen zijn gewone links: van die diensten wordt niets geladen \
tot u er een volgt.</p>
<h2>Als u een bericht meldt</h2>
<p>U hebt geen account nodig. Wij bewaren de reden, uw toelichting als u die geeft, en het \
tijdstip. Uw naam en IP-adres bewaren wij niet, alleen een code die uit uw IP-adres en de datum \
wordt berekend en elke dag verandert; daarmee beperken wij misbruik van het formulier. Zet geen \
persoonsgegevens in uw toelichting.</p>
<h2>Als u voor een partner of de redactie werkt</h2>
<p>Voor medewerkers van partners en redacteuren bewaren wij een account: gebruikersnaam, naam, \
e-mailadres, het wachtwoord (alleen als onleesbare hash) en de gegevens voor de tweede \
inlogstap. Wij leggen vast wat u in het beheer doet, zoals een bericht goedkeuren of afwijzen, \
en mislukte inlogpogingen (gebruikersnaam, IP-adres en tijdstip), om inbraakpogingen te \
stoppen. Een account bestaat zolang u toegang nodig hebt. Het beheer laadt niets van andere \
diensten.</p>
<h2>Hoe lang wij gegevens bewaren</h2>
<p>Wij verwijderen gegevens automatisch als hun bewaartermijn voorbij is. De termijnen staan \
onder deze verklaring.</p>
<h2>Uw rechten</h2>
<p>U hebt onder de AVG het recht op inzage, correctie en verwijdering van uw gegevens, op \
beperking van de verwerking en om bezwaar te maken. Van lezers en melders bewaren wij geen naam \
of adres; wij kunnen gegevens daarom meestal niet aan u koppelen. Voor een verzoek of een vraag \
over privacy kunt u contact opnemen met de gemeente, zie \
<a linktype="page" id="{about_id}">Over deze website</a>. Bent u het niet eens met hoe wij met \
uw gegevens omgaan, dan kunt u een klacht indienen bij de \
<a href="https://autoriteitpersoonsgegevens.nl">Autoriteit Persoonsgegevens</a>.</p>
"""

PRIVACY_EN = """\
<p>The municipality is the controller for Mediahub and Muurkrant under the General Data \
Protection Regulation (GDPR, in Dutch: AVG). We process as little personal data as we can.</p>
<h2>When you read the wall</h2>
<p>We use no trackers, no third-party visitor statistics and no advertising. Our server receives \
your IP address in order to send you the page, as every website does; the application does not \
store it. We only count how often each post is read per day: one number per post per day, with \
nothing about you. We set no cookies, with two exceptions needed for what you do yourself:</p>
<ul>
<li>if you choose another language, a language cookie remembers that choice;</li>
<li>if you open the report form, a security cookie protects the form against forged \
requests.</li>
</ul>
<p>Everything on the wall comes from our own server. Only when you press a video’s play button \
do we load the video service’s player (YouTube through youtube-nocookie.com, Vimeo with “do not \
track”, or a PeerTube server). That service then receives your IP address and processes data \
under its own privacy statement. A partner’s audio is loaded from its server only when you press \
play. The share buttons are plain links: nothing is loaded from those services until you follow \
one.</p>
<h2>When you report a post</h2>
<p>You need no account. We keep the reason, your explanation if you give one, and the time. We do \
not keep your name or IP address, only a code computed from your IP address and the date that \
changes every day; it lets us limit abuse of the form. Do not put personal data in your \
explanation.</p>
<h2>When you work for a partner or the editors</h2>
<p>For partners’ staff and editors we keep an account: user name, name, e-mail address, the \
password (only as an unreadable hash) and the data for the second login step. We record what you \
do in the admin, such as approving or rejecting a post, and failed logins (user name, IP address \
and time), to stop break-in attempts. An account exists as long as you need access. The admin \
loads nothing from other services.</p>
<h2>How long we keep data</h2>
<p>We delete data automatically once its retention period has passed. The periods are listed \
below this statement.</p>
<h2>Your rights</h2>
<p>Under the GDPR you have the right to access, correct and erase your data, to restrict its \
processing and to object. We keep no name or address of readers and reporters, so we usually \
cannot link data to you. For a request or a question about privacy, contact the municipality, \
see <a linktype="page" id="{about_id}">About this website</a>. If you disagree with how we \
handle your data, you can complain to the Dutch Data Protection Authority, the \
<a href="https://autoriteitpersoonsgegevens.nl/en">Autoriteit Persoonsgegevens</a>.</p>
"""

ACCESSIBILITY_NL = """\
<p>De gemeente wil dat iedereen Muurkrant kan gebruiken, en streeft ernaar de site toegankelijk \
te maken volgens het Besluit digitale toegankelijkheid overheid: WCAG 2.1 op niveau AA. Deze \
verklaring geldt voor de publieke site: de startpagina, de muurkrant, de berichten, de \
partnerpagina's, het meldformulier en deze verklaringen.</p>
<h2>Wat wij doen</h2>
<ul>
<li>Elke soort pagina wordt bij elke wijziging automatisch getest met axe-core op de eisen van \
WCAG 2.1 A en AA, in het Nederlands en in het Engels.</li>
<li>De site werkt met het toetsenbord, heeft een link om direct naar de inhoud te gaan, en past \
zich aan schermgrootte en tekstvergroting aan.</li>
<li>Video's starten nooit vanzelf; audio speelt in de speler van uw browser.</li>
</ul>
<h2>Wat nog niet voldoet</h2>
<ul>
<li>De berichten komen van partners. Afbeeldingen daarin hebben niet altijd een tekstalternatief, \
video's niet altijd ondertiteling en audio niet altijd een uitgeschreven tekst. De partners zijn \
daarvoor verantwoordelijk; de redactie vraagt hen erom.</li>
<li>De videospelers komen van YouTube, Vimeo of een PeerTube-server. Op hun toegankelijkheid \
hebben wij geen invloed; elke video heeft ook een gewone link naar de site van de dienst.</li>
<li>Een volledig onderzoek volgens de methode WCAG-EM is nog niet gedaan. Daarom is de status \
“eerste maatregelen genomen”; na het onderzoek werken wij deze verklaring bij.</li>
</ul>
<h2>Een probleem melden</h2>
<p>Kunt u iets op deze site niet gebruiken, of ziet u een toegankelijkheidsprobleem? Laat het \
ons weten via de contactgegevens op <a linktype="page" id="{about_id}">Over deze website</a>. \
Wij bevestigen uw melding binnen vijf werkdagen en reageren binnen drie weken.</p>
<h2>Handhavingsprocedure</h2>
<p>Bent u niet tevreden met hoe wij uw melding hebben afgehandeld? Dan kunt u een klacht \
indienen bij de <a href="https://www.nationaleombudsman.nl">Nationale ombudsman</a>.</p>
"""

ACCESSIBILITY_EN = """\
<p>The municipality wants everyone to be able to use Muurkrant, and aims to make the site \
accessible as the Dutch Digital Accessibility (Government) Decree requires: WCAG 2.1 at level \
AA. This statement applies to the public site: the home page, the wall, the posts, the partner \
pages, the report form and these statements.</p>
<h2>What we do</h2>
<ul>
<li>Every kind of page is tested automatically with axe-core against the WCAG 2.1 A and AA \
criteria on every change, in Dutch and in English.</li>
<li>The site works with the keyboard, has a link that skips straight to the content, and adapts \
to screen size and text zoom.</li>
<li>Videos never start by themselves; audio plays in your browser’s own player.</li>
</ul>
<h2>What does not comply yet</h2>
<ul>
<li>The posts come from partners. Images in them do not always have a text alternative, videos \
do not always have captions and audio does not always have a transcript. The partners are \
responsible for these; the editors ask them for it.</li>
<li>The video players come from YouTube, Vimeo or a PeerTube server. We cannot influence their \
accessibility; every video also has a plain link to the service’s site.</li>
<li>A full audit following the WCAG-EM method has not been done yet. That is why the status is \
“first measures taken”; we will update this statement after the audit.</li>
</ul>
<h2>Reporting a problem</h2>
<p>Is there something on this site you cannot use, or have you found an accessibility problem? \
Let us know through the contact details on <a linktype="page" id="{about_id}">About this \
website</a>. We confirm your report within five working days and answer within three weeks.</p>
<h2>Enforcement procedure</h2>
<p>Not satisfied with how we handled your report? You can complain to the \
<a href="https://www.nationaleombudsman.nl/en">National Ombudsman</a> (Nationale \
ombudsman).</p>
"""

# model name → slug, Dutch title, English title, Dutch text, English text
STATEMENTS = [
    ("aboutpage", "over", "Over deze website", "About this website", ABOUT_NL, ABOUT_EN),
    (
        "privacypage",
        "privacy",
        "Privacyverklaring",
        "Privacy statement",
        PRIVACY_NL,
        PRIVACY_EN,
    ),
    (
        "accessibilitypage",
        "toegankelijkheid",
        "Toegankelijkheidsverklaring",
        "Accessibility statement",
        ACCESSIBILITY_NL,
        ACCESSIBILITY_EN,
    ),
]


def child_path(parent_path: str, last_sibling_path: str | None) -> str:
    """The tree path of a new last child, written out because historical models lack add_child."""
    position = int(last_sibling_path[-STEP:], 36) + 1 if last_sibling_path else 1
    digits = ""
    while position:
        position, digit = divmod(position, 36)
        digits = ALPHABET[digit] + digits
    return parent_path + digits.rjust(STEP, "0")


def add_translation(apps: Apps, source, **text):
    """The live English translation of a Dutch page, with the given text, unless it has one.

    It goes under the English translation of the page's parent, or beside it under the root
    (with "-en" added to its slug, as Wagtail does), and keeps the page's other fields.
    """
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    model = type(source)
    locale = Locale.objects.get_or_create(language_code="en")[0]
    existing = model.objects.filter(translation_key=source.translation_key, locale=locale).first()
    if existing is not None:
        return existing
    parent = Page.objects.get(path=source.path[:-STEP])
    slug = source.slug
    if parent.depth > 1:
        parent = Page.objects.get(translation_key=parent.translation_key, locale=locale)
    else:
        slug = f"{slug}-{locale.language_code}"
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    own_fields = {
        field.attname: getattr(source, field.attname)
        for field in model._meta.local_concrete_fields
        if not field.primary_key
    }
    page = model.objects.create(
        **{**own_fields, **text},
        draft_title=text["title"],
        slug=slug,
        path=child_path(parent.path, last),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        locale=locale,
        translation_key=source.translation_key,
        content_type_id=source.content_type_id,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    return page


def create_info_pages(apps: Apps) -> None:
    """The about page and the two statements under the home page, each only if none exists yet,
    and each one's English translation if it has none.

    Without a home page there is nowhere to put them, and nothing is made.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    home = (
        apps.get_model("mediahub", "HomePage")
        .objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        .order_by("path")
        .first()
    )
    if home is None:
        return
    about_id = None
    for model_name, slug, title, title_en, body, body_en in STATEMENTS:
        model = apps.get_model("mediahub", model_name)
        page = model.objects.filter(locale=home.locale_id).order_by("path").first()
        if page is None:
            last = (
                Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            extra = (
                {"statement_date": timezone.localdate()}
                if model_name == "accessibilitypage"
                else {}
            )
            page = model.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                path=child_path(home.path, last),
                depth=home.depth + 1,
                numchild=0,
                url_path=f"{home.url_path}{slug}/",
                locale_id=home.locale_id,
                content_type=ContentType.objects.get_or_create(
                    app_label="mediahub", model=model_name
                )[0],
                body=body.replace("{about_id}", str(about_id)),
                **extra,
            )
            Page.objects.filter(pk=home.pk).update(
                numchild=Page.objects.filter(
                    path__startswith=home.path, depth=home.depth + 1
                ).count()
            )
        about_id = about_id or page.pk
        add_translation(
            apps, page, title=title_en, body=body_en.replace("{about_id}", str(about_id))
        )
