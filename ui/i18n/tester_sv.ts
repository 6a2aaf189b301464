<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE">
<context>
    <name>AudioPlayer</name>
    <message>
        <source>Cannot play {0}: the file does not exist.</source>
        <extracomment>Sample rate of :func:`interpreter.audio.replay.decode_file`.</extracomment>
        <translation>Det går inte att spela upp {0}: filen finns inte.</translation>
    </message>
    <message>
        <source>Cannot play {0}: {1}</source>
        <translation>Det går inte att spela upp {0}: {1}</translation>
    </message>
    <message>
        <source>Cannot play {0} on the audio output: {1}. Check that speakers or headphones are connected and chosen as the system&apos;s output.</source>
        <translation>Det går inte att spela upp {0} på ljudutgången: {1}. Kontrollera att högtalare eller hörlurar är anslutna och valda som systemets utgång.</translation>
    </message>
</context>
<context>
    <name>RatingPanel</name>
    <message>
        <source>Play audio</source>
        <translation>Spela upp ljud</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppa</translation>
    </message>
    <message>
        <source>not rated</source>
        <translation>inte bedömd</translation>
    </message>
    <message>
        <source>none of the meaning</source>
        <translation>inget av innebörden</translation>
    </message>
    <message>
        <source>little of the meaning</source>
        <translation>lite av innebörden</translation>
    </message>
    <message>
        <source>much of the meaning</source>
        <translation>mycket av innebörden</translation>
    </message>
    <message>
        <source>most of the meaning</source>
        <translation>det mesta av innebörden</translation>
    </message>
    <message>
        <source>all of the meaning</source>
        <translation>hela innebörden</translation>
    </message>
    <message>
        <source>Would mislead the client</source>
        <translation>Skulle vilseleda kunden</translation>
    </message>
    <message>
        <source>What is wrong, or what should it say?</source>
        <translation>Vad är fel, eller vad borde det stå?</translation>
    </message>
    <message>
        <source>Adequacy (1–5):</source>
        <translation>Adekvathet (1–5):</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>Kommentar:</translation>
    </message>
    <message>
        <source>Phrase</source>
        <translation>Fras</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Källa</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>Igenkänd text</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fel</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Översättning</translation>
    </message>
    <message>
        <source>Reference(s)</source>
        <translation>Referens(er)</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>Poäng</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>Ordlista</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Markeringar</translation>
    </message>
    <message>
        <source>synthesized speech</source>
        <translation>syntetiskt tal</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>inspelning</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Ljud</translation>
    </message>
</context>
<context>
    <name>TesterControls</name>
    <message>
        <source>Open set file…</source>
        <extracomment>Keys of the file buttons, in display order. What a saved file of each kind is called after the run&apos;s file or set (suffix, filter).</extracomment>
        <translation>Öppna frasfil…</translation>
    </message>
    <message>
        <source>Speech (recordings or synthesized)</source>
        <translation>Tal (inspelningar eller syntetiskt)</translation>
    </message>
    <message>
        <source>Fast replay (no latencies)</source>
        <translation>Snabb uppspelning (inga fördröjningar)</translation>
    </message>
    <message>
        <source>Replay speech as fast as possible: quicker, but latencies are not measured</source>
        <translation>Spela upp talet så snabbt som möjligt: snabbare, men fördröjningar mäts inte</translation>
    </message>
    <message>
        <source>Fixed sides (as push to talk)</source>
        <translation>Fasta sidor (som tryck för att tala)</translation>
    </message>
    <message>
        <source>Tell the recognizer each phrase&apos;s language instead of identifying it</source>
        <translation>Ange varje fras språk för igenkänningen i stället för att identifiera det</translation>
    </message>
    <message>
        <source>Whisper model for speech: base, small, … or a folder</source>
        <translation>Whisper-modell för tal: base, small, … eller en mapp</translation>
    </message>
    <message>
        <source>installed model (or a model folder)</source>
        <translation>installerad modell (eller en modellmapp)</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Kör</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsätt</translation>
    </message>
    <message>
        <source>Continue a cancelled run of this set</source>
        <translation>Fortsätt en avbruten körning av den här uppsättningen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <source>Open run…</source>
        <translation>Öppna körning…</translation>
    </message>
    <message>
        <source>Save run as…</source>
        <translation>Spara körning som…</translation>
    </message>
    <message>
        <source>Export ratings (CSV)…</source>
        <translation>Exportera bedömningar (CSV)…</translation>
    </message>
    <message>
        <source>Export results (CSV)…</source>
        <translation>Exportera resultat (CSV)…</translation>
    </message>
    <message>
        <source>Write report…</source>
        <translation>Skriv rapport…</translation>
    </message>
    <message>
        <source>Phrase set:</source>
        <translation>Frasuppsättning:</translation>
    </message>
    <message>
        <source>Pair:</source>
        <translation>Språkpar:</translation>
    </message>
    <message>
        <source>Whisper:</source>
        <translation>Whisper:</translation>
    </message>
    <message>
        <source>Model {0}:</source>
        <translation>Modell {0}:</translation>
    </message>
    <message>
        <source>Open phrase set</source>
        <translation>Öppna frasuppsättning</translation>
    </message>
    <message>
        <source>Phrase sets (*.tsv *.csv)</source>
        <translation>Frasuppsättningar (*.tsv *.csv)</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>Öppna körning</translation>
    </message>
    <message>
        <source>Runs (*.json)</source>
        <translation>Körningar (*.json)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Spara</translation>
    </message>
</context>
<context>
    <name>TesterTab</name>
    <message>
        <source>Opened {0}: {1} phrases, {2} rated.</source>
        <translation>Öppnade {0}: {1} fraser, {2} bedömda.</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Sparade {0}</translation>
    </message>
    <message>
        <source>staff</source>
        <extracomment>Column keys in display order; headers are translated in ``_headers``. Side names for translation (QT_TRANSLATE_NOOP: the literals are what lupdate sees).</extracomment>
        <translation>personal</translation>
    </message>
    <message>
        <source>client</source>
        <translation>kund</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>Sida</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Källa</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>Igenkänd text</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Översättning</translation>
    </message>
    <message>
        <source>chrF</source>
        <translation>chrF</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Markeringar</translation>
    </message>
    <message>
        <source>Latency (s)</source>
        <translation>Fördröjning (s)</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Bedömning</translation>
    </message>
    <message>
        <source>misleading</source>
        <translation>vilseledande</translation>
    </message>
    <message>
        <source>error: {0}</source>
        <translation>fel: {0}</translation>
    </message>
    <message>
        <source>Playing {0}</source>
        <extracomment>Ratings are written this long after the last change (typing a comment is one save). Columns of running text get a fixed starting width (the tester can drag them wider).</extracomment>
        <translation>Spelar upp {0}</translation>
    </message>
    <message>
        <source>Phrase tests</source>
        <translation>Frastester</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>Läser in {0}…</translation>
    </message>
    <message>
        <source>{0}: {1} phrases. {2}</source>
        <translation>{0}: {1} fraser. {2}</translation>
    </message>
    <message>
        <source>{0}: none of its language pairs is allowed on this desk ({1}).</source>
        <translation>{0}: inget av dess språkpar är tillåtet vid den här disken ({1}).</translation>
    </message>
    <message>
        <source>Loading models…</source>
        <translation>Läser in modeller…</translation>
    </message>
    <message>
        <source>Cancelling after the current phrase…</source>
        <translation>Avbryter efter den aktuella frasen…</translation>
    </message>
    <message>
        <source>Phrase {0} of {1}: {2}</source>
        <translation>Fras {0} av {1}: {2}</translation>
    </message>
    <message>
        <source>Cancelled: {0} of {1} phrases ran.</source>
        <translation>Avbruten: {0} av {1} fraser kördes.</translation>
    </message>
    <message>
        <source>Finished: {0} phrases.</source>
        <translation>Klar: {0} fraser.</translation>
    </message>
    <message>
        <source>The run failed: {0}</source>
        <translation>Körningen misslyckades: {0}</translation>
    </message>
    <message>
        <source>Desk interpreter – phrase-set tester</source>
        <translation>Tolk vid disken – test av frasuppsättningar</translation>
    </message>
</context>
</TS>
