<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fi_FI">
<context>
    <name>AudioPlayer</name>
    <message>
        <source>Cannot play {0}: the file does not exist.</source>
        <extracomment>Sample rate of :func:`interpreter.audio.replay.decode_file`.</extracomment>
        <translation>Tiedostoa {0} ei voi toistaa: sitä ei ole.</translation>
    </message>
    <message>
        <source>Cannot play {0}: {1}</source>
        <translation>Tiedostoa {0} ei voi toistaa: {1}</translation>
    </message>
    <message>
        <source>Cannot play {0} on the audio output: {1}. Check that speakers or headphones are connected and chosen as the system&apos;s output.</source>
        <translation>Tiedostoa {0} ei voi toistaa äänilähtöön: {1}. Tarkista, että kaiuttimet tai kuulokkeet on kytketty ja valittu järjestelmän äänilähdöksi.</translation>
    </message>
</context>
<context>
    <name>RatingPanel</name>
    <message>
        <source>Play audio</source>
        <translation>Toista ääni</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Pysäytä</translation>
    </message>
    <message>
        <source>not rated</source>
        <translation>ei arvioitu</translation>
    </message>
    <message>
        <source>none of the meaning</source>
        <translation>merkitys ei välity lainkaan</translation>
    </message>
    <message>
        <source>little of the meaning</source>
        <translation>merkityksestä välittyy vähän</translation>
    </message>
    <message>
        <source>much of the meaning</source>
        <translation>merkityksestä välittyy paljon</translation>
    </message>
    <message>
        <source>most of the meaning</source>
        <translation>merkityksestä välittyy suurin osa</translation>
    </message>
    <message>
        <source>all of the meaning</source>
        <translation>merkitys välittyy kokonaan</translation>
    </message>
    <message>
        <source>Would mislead the client</source>
        <translation>Johtaisi asiakasta harhaan</translation>
    </message>
    <message>
        <source>What is wrong, or what should it say?</source>
        <translation>Mikä on väärin, tai mitä siinä pitäisi lukea?</translation>
    </message>
    <message>
        <source>Adequacy (1–5):</source>
        <translation>Riittävyys (1–5):</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>Kommentti:</translation>
    </message>
    <message>
        <source>Phrase</source>
        <translation>Fraasi</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Lähde</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>Tunnistettu teksti</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Virhe</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Käännös</translation>
    </message>
    <message>
        <source>Reference(s)</source>
        <translation>Vertailukäännös</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>Pisteet</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>Sanasto</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Merkinnät</translation>
    </message>
    <message>
        <source>synthesized speech</source>
        <translation>syntetisoitu puhe</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>äänite</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Ääni</translation>
    </message>
</context>
<context>
    <name>TesterControls</name>
    <message>
        <source>Open set file…</source>
        <extracomment>Keys of the file buttons, in display order. What a saved file of each kind is called after the run&apos;s file or set (suffix, filter).</extracomment>
        <translation>Avaa fraasitiedosto…</translation>
    </message>
    <message>
        <source>Speech (recordings or synthesized)</source>
        <translation>Puhe (äänitteet tai syntetisoitu)</translation>
    </message>
    <message>
        <source>Fast replay (no latencies)</source>
        <translation>Nopea toisto (ei viiveitä)</translation>
    </message>
    <message>
        <source>Replay speech as fast as possible: quicker, but latencies are not measured</source>
        <translation>Toista puhe niin nopeasti kuin mahdollista: nopeampaa, mutta viiveitä ei mitata</translation>
    </message>
    <message>
        <source>Fixed sides (as push to talk)</source>
        <translation>Kiinteät puolet (kuten puhepainike)</translation>
    </message>
    <message>
        <source>Tell the recognizer each phrase&apos;s language instead of identifying it</source>
        <translation>Kerro tunnistimelle kunkin fraasin kieli sen tunnistamisen sijaan</translation>
    </message>
    <message>
        <source>Whisper model for speech: base, small, … or a folder</source>
        <translation>Puheen Whisper-malli: base, small, … tai kansio</translation>
    </message>
    <message>
        <source>installed model (or a model folder)</source>
        <translation>asennettu malli (tai mallikansio)</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Aja</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Jatka</translation>
    </message>
    <message>
        <source>Continue a cancelled run of this set</source>
        <translation>Jatka tämän joukon keskeytettyä ajoa</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Peruuta</translation>
    </message>
    <message>
        <source>Open run…</source>
        <translation>Avaa ajo…</translation>
    </message>
    <message>
        <source>Save run as…</source>
        <translation>Tallenna ajo nimellä…</translation>
    </message>
    <message>
        <source>Export ratings (CSV)…</source>
        <translation>Vie arviot (CSV)…</translation>
    </message>
    <message>
        <source>Export results (CSV)…</source>
        <translation>Vie tulokset (CSV)…</translation>
    </message>
    <message>
        <source>Write report…</source>
        <translation>Kirjoita raportti…</translation>
    </message>
    <message>
        <source>Phrase set:</source>
        <translation>Fraasijoukko:</translation>
    </message>
    <message>
        <source>Pair:</source>
        <translation>Kielipari:</translation>
    </message>
    <message>
        <source>Whisper:</source>
        <translation>Whisper:</translation>
    </message>
    <message>
        <source>Model {0}:</source>
        <translation>Malli {0}:</translation>
    </message>
    <message>
        <source>Open phrase set</source>
        <translation>Avaa fraasijoukko</translation>
    </message>
    <message>
        <source>Phrase sets (*.tsv *.csv)</source>
        <translation>Fraasijoukot (*.tsv *.csv)</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>Avaa ajo</translation>
    </message>
    <message>
        <source>Runs (*.json)</source>
        <translation>Ajot (*.json)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Tallenna</translation>
    </message>
</context>
<context>
    <name>TesterTab</name>
    <message>
        <source>Opened {0}: {1} phrases, {2} rated.</source>
        <translation>Avattu {0}: {1} fraasia, {2} arvioitu.</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Tallennettu {0}</translation>
    </message>
    <message>
        <source>staff</source>
        <extracomment>Column keys in display order; headers are translated in ``_headers``. Side names for translation (QT_TRANSLATE_NOOP: the literals are what lupdate sees).</extracomment>
        <translation>henkilökunta</translation>
    </message>
    <message>
        <source>client</source>
        <translation>asiakas</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>Tunniste</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>Puoli</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Lähde</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>Tunnistettu teksti</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Käännös</translation>
    </message>
    <message>
        <source>chrF</source>
        <translation>chrF</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Merkinnät</translation>
    </message>
    <message>
        <source>Latency (s)</source>
        <translation>Viive (s)</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Arvio</translation>
    </message>
    <message>
        <source>misleading</source>
        <translation>harhaanjohtava</translation>
    </message>
    <message>
        <source>error: {0}</source>
        <translation>virhe: {0}</translation>
    </message>
    <message>
        <source>Playing {0}</source>
        <extracomment>Ratings are written this long after the last change (typing a comment is one save). Columns of running text get a fixed starting width (the tester can drag them wider).</extracomment>
        <translation>Toistetaan {0}</translation>
    </message>
    <message>
        <source>Phrase tests</source>
        <translation>Fraasitestit</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>Ladataan {0}…</translation>
    </message>
    <message>
        <source>{0}: {1} phrases. {2}</source>
        <translation>{0}: {1} fraasia. {2}</translation>
    </message>
    <message>
        <source>{0}: none of its language pairs is allowed on this desk ({1}).</source>
        <translation>{0}: mikään sen kieliparista ei ole sallittu tällä palvelupisteellä ({1}).</translation>
    </message>
    <message>
        <source>Loading models…</source>
        <translation>Ladataan malleja…</translation>
    </message>
    <message>
        <source>Cancelling after the current phrase…</source>
        <translation>Keskeytetään nykyisen fraasin jälkeen…</translation>
    </message>
    <message>
        <source>Phrase {0} of {1}: {2}</source>
        <translation>Fraasi {0}/{1}: {2}</translation>
    </message>
    <message>
        <source>Cancelled: {0} of {1} phrases ran.</source>
        <translation>Keskeytetty: {0}/{1} fraasia ajettiin.</translation>
    </message>
    <message>
        <source>Finished: {0} phrases.</source>
        <translation>Valmis: {0} fraasia.</translation>
    </message>
    <message>
        <source>The run failed: {0}</source>
        <translation>Ajo epäonnistui: {0}</translation>
    </message>
    <message>
        <source>Desk interpreter – phrase-set tester</source>
        <translation>Asiointitulkki – fraasijoukkojen testaus</translation>
    </message>
</context>
</TS>
