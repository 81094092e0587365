#!/usr/bin/env python3
"""Generate the registry's two DICOM-derived SKOS schemes from DICOM PS3.16 code lists.

    python ontology/tools/generate_dicom_vocabularies.py FSH_FOLDER OUT_FOLDER

FSH_FOLDER holds the FHIR Shorthand files of github.com/bvdh/dicom-terminology-in-fhir
(input/fsh/, CC0; generated from DICOM PS3.16):

    ValueSet-dicom-cid-29-AcquisitionModality.fsh         CID 29 (includes CID 34)
    ValueSet-dicom-cid-34-WaveformAcquisitionModality.fsh CID 34
    ValueSet-dicom-cid-32-NonAcquisitionModality.fsh      CID 32
    CodeSystem-dicom-dcm-codesystem.fsh                   DCM code meanings and definitions
    CodeSystem-BodyPartExamined.fsh                       Body Part Examined terms (Annex L)
    ValueSet-dicom-cid-4-AnatomicRegion.fsh               CID 4 (SNOMED CT codes)
    ValueSet-dicom-cid-4031-CommonAnatomicRegion.fsh      CID 4031 (SNOMED CT codes)

It writes OUT_FOLDER/modality-1.0.0.ttl and OUT_FOLDER/body-part-1.0.0.ttl. Only the Python
standard library is used; the output is deterministic, so a re-run without changes gives
byte-identical files.

Choices, so that a reader of the output does not have to read this script:
- Concept IRIs are vocab/modality/<DICOM code> and vocab/body-part/<DICOM defined term>;
  skos:notation is that code or term.
- English labels are the DICOM code meanings in sentence case ("Computed Tomography" becomes
  "Computed tomography"; acronyms and proper names are kept). Three obvious misspellings of
  PS3.16 are corrected in the label and kept as skos:hiddenLabel so that search still finds
  them (see LABEL_FIXES).
- Modality definitions are the DCM definitions of PS3.16 Table D-1, verbatim.
- Modalities map with skos:exactMatch to the DCM code, as <http://dicom.nema.org/resources/
  ontology/DCM/<code>>: the namespace of DICOM's own OWL rendering of Table D-1 and the
  system IRI FHIR uses for DCM codes. CT, MR and MG also map to the federation's (EUCAIM)
  modality concepts.
- Body Part Examined terms carry no SNOMED CT code in the fsh file. A SNOMED CT mapping is
  given where the term's code meaning is, word for word, the display of exactly one SNOMED
  CT code in CID 4 or CID 4031 of the same standard (DICOM uses one code meaning per code
  in Table L-1 and in these context groups). It is skos:exactMatch, except for the
  "Endo-..." approach terms (ENDORECTAL, ...), which DICOM codes with the organ's code
  although they name an approach rather than the organ: skos:closeMatch. Target IRIs follow
  the SNOMED CT URI standard, <http://snomed.info/id/<SCTID>>.
- Translations are the registry's, given only for common terms and only where the medical
  term is certain (TRANSLATIONS_*); other terms have an English label only.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

VERSION = "1.0.0"
CIR = "https://w3id.org/cancer-image-registry/"

CID29 = "ValueSet-dicom-cid-29-AcquisitionModality.fsh"
CID34 = "ValueSet-dicom-cid-34-WaveformAcquisitionModality.fsh"
CID32 = "ValueSet-dicom-cid-32-NonAcquisitionModality.fsh"
DCM = "CodeSystem-dicom-dcm-codesystem.fsh"
BODY_PART = "CodeSystem-BodyPartExamined.fsh"
CID4 = "ValueSet-dicom-cid-4-AnatomicRegion.fsh"
CID4031 = "ValueSet-dicom-cid-4031-CommonAnatomicRegion.fsh"

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "el")

# The federation's (EUCAIM) imaging-modality concepts, as published in its profile notes.
EUCAIM_MODALITY = {"CT": "IMG1000026", "MR": "IMG1000022", "MG": "IMG1000030"}

# Words kept as written when a code meaning is put in sentence case.
KEEP_CASE = {"Willis", "Morison's"}

# PS3.16 misspellings: corrected label, DICOM's spelling kept as hiddenLabel.
LABEL_FIXES = {
    "Morisons pouch": "Morison's pouch",
    "Stiffle": "Stifle",
    "Coccygeal vertrebrae": "Coccygeal vertebrae",
}

# English alternative labels in common use.
ALT_LABELS_EN = {
    "WHOLEBODY": ["Whole body"],
    "THORAX": ["Thorax"],
    "MR": ["MRI", "Magnetic resonance imaging"],
    "PT": ["PET"],
    "US": ["Ultrasonography"],
}

# Modalities: DICOM code -> language -> label (the registry's translations).
TRANSLATIONS_MODALITY: dict[str, dict[str, str]] = {
    "CT": {
        "de": "Computertomographie", "fr": "Tomodensitométrie",
        "es": "Tomografía computarizada", "it": "Tomografia computerizzata",
        "nl": "Computertomografie", "pt": "Tomografia computorizada",
        "pl": "Tomografia komputerowa", "el": "Υπολογιστική τομογραφία",
    },
    "MR": {
        "de": "Magnetresonanztomographie", "fr": "Imagerie par résonance magnétique",
        "es": "Resonancia magnética", "it": "Risonanza magnetica",
        "nl": "Magnetische resonantiebeeldvorming", "pt": "Ressonância magnética",
        "pl": "Rezonans magnetyczny", "el": "Μαγνητική τομογραφία",
    },
    "PT": {
        "de": "Positronen-Emissions-Tomographie", "fr": "Tomographie par émission de positons",
        "es": "Tomografía por emisión de positrones",
        "it": "Tomografia a emissione di positroni", "nl": "Positronemissietomografie",
        "pt": "Tomografia por emissão de positrões", "pl": "Pozytonowa tomografia emisyjna",
        "el": "Τομογραφία εκπομπής ποζιτρονίων",
    },
    "MG": {
        "de": "Mammographie", "fr": "Mammographie", "es": "Mamografía", "it": "Mammografia",
        "nl": "Mammografie", "pt": "Mamografia", "pl": "Mammografia", "el": "Μαστογραφία",
    },
    "US": {
        "de": "Ultraschall", "fr": "Échographie", "es": "Ecografía", "it": "Ecografia",
        "nl": "Echografie", "pt": "Ecografia", "pl": "Ultrasonografia", "el": "Υπερηχογραφία",
    },
    "NM": {
        "de": "Nuklearmedizin", "fr": "Médecine nucléaire", "es": "Medicina nuclear",
        "it": "Medicina nucleare", "nl": "Nucleaire geneeskunde", "pt": "Medicina nuclear",
        "pl": "Medycyna nuklearna", "el": "Πυρηνική ιατρική",
    },
    "CR": {
        "de": "Computerradiographie", "fr": "Radiographie numérisée",
        "es": "Radiografía computarizada", "it": "Radiografia computerizzata",
    },
    "DX": {
        "de": "Digitale Radiographie", "fr": "Radiographie numérique",
        "es": "Radiografía digital", "it": "Radiografia digitale",
        "nl": "Digitale radiografie", "pt": "Radiografia digital",
    },
    "XA": {
        "de": "Röntgenangiographie", "fr": "Angiographie par rayons X",
        "es": "Angiografía por rayos X", "it": "Angiografia a raggi X",
        "nl": "Röntgenangiografie", "pt": "Angiografia por raios X",
    },
    "RF": {
        "de": "Röntgendurchleuchtung", "fr": "Radioscopie", "es": "Fluoroscopia",
        "it": "Fluoroscopia", "nl": "Doorlichting", "pt": "Fluoroscopia",
    },
    "PX": {
        "de": "Panoramaschichtaufnahme", "fr": "Radiographie panoramique",
        "es": "Radiografía panorámica", "it": "Radiografia panoramica",
    },
    "IO": {
        "de": "Intraorale Röntgenaufnahme", "fr": "Radiographie intrabuccale",
        "es": "Radiografía intraoral", "it": "Radiografia endorale",
    },
    "BMD": {
        "de": "Knochendichtemessung", "fr": "Ostéodensitométrie", "es": "Densitometría ósea",
        "it": "Densitometria ossea", "nl": "Botdichtheidsmeting", "pt": "Densitometria óssea",
    },
    "ES": {
        "de": "Endoskopie", "fr": "Endoscopie", "es": "Endoscopia", "it": "Endoscopia",
        "nl": "Endoscopie", "pt": "Endoscopia", "pl": "Endoskopia", "el": "Ενδοσκόπηση",
    },
    "DMS": {
        "de": "Dermatoskopie", "fr": "Dermoscopie", "es": "Dermatoscopia",
        "it": "Dermatoscopia", "nl": "Dermatoscopie", "pt": "Dermatoscopia",
    },
    "TG": {
        "de": "Thermographie", "fr": "Thermographie", "es": "Termografía", "it": "Termografia",
        "nl": "Thermografie", "pt": "Termografia",
    },
    "OCT": {
        "de": "Optische Kohärenztomographie", "fr": "Tomographie par cohérence optique",
        "es": "Tomografía de coherencia óptica", "it": "Tomografia a coerenza ottica",
        "nl": "Optische coherentietomografie", "pt": "Tomografia de coerência ótica",
    },
    "IVUS": {
        "de": "Intravaskulärer Ultraschall", "fr": "Échographie endovasculaire",
        "es": "Ecografía intravascular", "it": "Ecografia intravascolare",
    },
    "CFM": {
        "de": "Konfokale Mikroskopie", "fr": "Microscopie confocale",
        "es": "Microscopía confocal", "it": "Microscopia confocale",
        "nl": "Confocale microscopie", "pt": "Microscopia confocal",
    },
    "ECG": {
        "de": "Elektrokardiographie", "fr": "Électrocardiographie",
        "es": "Electrocardiografía", "it": "Elettrocardiografia",
        "nl": "Elektrocardiografie", "pt": "Eletrocardiografia",
    },
    "EEG": {
        "de": "Elektroenzephalographie", "fr": "Électroencéphalographie",
        "es": "Electroencefalografía", "it": "Elettroencefalografia",
        "nl": "Elektro-encefalografie", "pt": "Eletroencefalografia",
    },
    "EMG": {
        "de": "Elektromyographie", "fr": "Électromyographie", "es": "Electromiografía",
        "it": "Elettromiografia", "nl": "Elektromyografie", "pt": "Eletromiografia",
    },
    "EPS": {
        "de": "Kardiale Elektrophysiologie", "fr": "Électrophysiologie cardiaque",
        "es": "Electrofisiología cardíaca", "it": "Elettrofisiologia cardiaca",
    },
    "SEG": {
        "de": "Segmentierung", "fr": "Segmentation", "es": "Segmentación",
        "it": "Segmentazione", "nl": "Segmentatie", "pt": "Segmentação", "pl": "Segmentacja",
    },
    "REG": {
        "de": "Registrierung", "fr": "Recalage", "es": "Registro", "it": "Registrazione",
    },
    "SR": {
        "de": "Strukturierter Befundbericht", "fr": "Compte rendu structuré",
        "es": "Informe estructurado", "it": "Referto strutturato",
        "nl": "Gestructureerd verslag", "pt": "Relatório estruturado",
    },
    "RTSTRUCT": {
        "de": "RT-Strukturset", "fr": "Ensemble de structures RT",
        "es": "Conjunto de estructuras RT", "it": "Set di strutture RT",
    },
    "RTDOSE": {"de": "RT-Dosis", "fr": "Dose RT", "es": "Dosis RT", "it": "Dose RT"},
    "RTPLAN": {"de": "RT-Plan", "fr": "Plan RT", "es": "Plan RT", "it": "Piano RT"},
    "RTIMAGE": {"de": "RT-Bild", "fr": "Image RT", "es": "Imagen RT", "it": "Immagine RT"},
    "DOC": {
        "de": "Dokument", "fr": "Document", "es": "Documento", "it": "Documento",
        "nl": "Document", "pt": "Documento",
    },
    "OT": {
        "de": "Andere Modalität", "fr": "Autre modalité", "es": "Otra modalidad",
        "it": "Altra modalità", "nl": "Andere modaliteit", "pt": "Outra modalidade",
    },
}

# Body parts: DICOM defined term -> language -> label (the registry's translations).
TRANSLATIONS_BODY_PART: dict[str, dict[str, str]] = {
    "ABDOMEN": {
        "de": "Abdomen", "fr": "Abdomen", "es": "Abdomen", "it": "Addome", "nl": "Buik",
        "pt": "Abdómen", "pl": "Jama brzuszna", "el": "Κοιλία",
    },
    "ABDOMENPELVIS": {
        "de": "Abdomen und Becken", "fr": "Abdomen et pelvis", "es": "Abdomen y pelvis",
        "it": "Addome e pelvi", "nl": "Buik en bekken", "pt": "Abdómen e pélvis",
    },
    "ADRENAL": {
        "de": "Nebenniere", "fr": "Glande surrénale", "es": "Glándula suprarrenal",
        "it": "Ghiandola surrenale", "nl": "Bijnier", "pt": "Glândula suprarrenal",
    },
    "AXILLA": {
        "de": "Achselhöhle", "fr": "Aisselle", "es": "Axila", "it": "Ascella", "nl": "Oksel",
        "pt": "Axila",
    },
    "BILIARYTRACT": {
        "de": "Gallenwege", "fr": "Voies biliaires", "es": "Vías biliares",
        "it": "Vie biliari", "nl": "Galwegen", "pt": "Vias biliares",
    },
    "BLADDER": {
        "de": "Harnblase", "fr": "Vessie", "es": "Vejiga urinaria", "it": "Vescica urinaria",
        "nl": "Blaas", "pt": "Bexiga",
    },
    "BRAIN": {
        "de": "Gehirn", "fr": "Cerveau", "es": "Cerebro", "it": "Encefalo", "nl": "Hersenen",
        "pt": "Cérebro", "pl": "Mózg", "el": "Εγκέφαλος",
    },
    "BREAST": {
        "de": "Brust", "fr": "Sein", "es": "Mama", "it": "Mammella", "nl": "Borst",
        "pt": "Mama", "pl": "Pierś", "el": "Μαστός",
    },
    "CERVIX": {
        "de": "Gebärmutterhals", "fr": "Col de l'utérus", "es": "Cuello uterino",
        "it": "Cervice uterina", "nl": "Baarmoederhals", "pt": "Colo do útero",
    },
    "CHEST": {
        "de": "Thorax", "fr": "Thorax", "es": "Tórax", "it": "Torace", "nl": "Borstkas",
        "pt": "Tórax", "pl": "Klatka piersiowa", "el": "Θώρακας",
    },
    "THORAX": {
        "de": "Thorax", "fr": "Thorax", "es": "Tórax", "it": "Torace", "nl": "Borstkas",
        "pt": "Tórax", "pl": "Klatka piersiowa", "el": "Θώρακας",
    },
    "CHESTABDOMEN": {
        "de": "Thorax und Abdomen", "fr": "Thorax et abdomen", "es": "Tórax y abdomen",
        "it": "Torace e addome", "nl": "Borstkas en buik", "pt": "Tórax e abdómen",
    },
    "CHESTABDPELVIS": {
        "de": "Thorax, Abdomen und Becken", "fr": "Thorax, abdomen et pelvis",
        "es": "Tórax, abdomen y pelvis", "it": "Torace, addome e pelvi",
        "nl": "Borstkas, buik en bekken", "pt": "Tórax, abdómen e pélvis",
    },
    "COLON": {
        "de": "Kolon", "fr": "Côlon", "es": "Colon", "it": "Colon", "nl": "Colon",
        "pt": "Cólon",
    },
    "CSPINE": {
        "de": "Halswirbelsäule", "fr": "Rachis cervical", "es": "Columna cervical",
        "it": "Rachide cervicale", "nl": "Cervicale wervelkolom", "pt": "Coluna cervical",
    },
    "DUODENUM": {
        "de": "Duodenum", "fr": "Duodénum", "es": "Duodeno", "it": "Duodeno",
        "nl": "Twaalfvingerige darm", "pt": "Duodeno",
    },
    "ENDOMETRIUM": {
        "de": "Endometrium", "fr": "Endomètre", "es": "Endometrio", "it": "Endometrio",
        "nl": "Endometrium", "pt": "Endométrio",
    },
    "ESOPHAGUS": {
        "de": "Speiseröhre", "fr": "Œsophage", "es": "Esófago", "it": "Esofago",
        "nl": "Slokdarm", "pt": "Esófago",
    },
    "GALLBLADDER": {
        "de": "Gallenblase", "fr": "Vésicule biliaire", "es": "Vesícula biliar",
        "it": "Colecisti", "nl": "Galblaas", "pt": "Vesícula biliar",
    },
    "HEAD": {
        "de": "Kopf", "fr": "Tête", "es": "Cabeza", "it": "Testa", "nl": "Hoofd",
        "pt": "Cabeça",
    },
    "HEADNECK": {
        "de": "Kopf und Hals", "fr": "Tête et cou", "es": "Cabeza y cuello",
        "it": "Testa e collo", "nl": "Hoofd en hals", "pt": "Cabeça e pescoço",
    },
    "HEART": {
        "de": "Herz", "fr": "Cœur", "es": "Corazón", "it": "Cuore", "nl": "Hart",
        "pt": "Coração",
    },
    "KIDNEY": {
        "de": "Niere", "fr": "Rein", "es": "Riñón", "it": "Rene", "nl": "Nier", "pt": "Rim",
    },
    "LARGEINTESTINE": {
        "de": "Dickdarm", "fr": "Gros intestin", "es": "Intestino grueso",
        "it": "Intestino crasso", "nl": "Dikke darm", "pt": "Intestino grosso",
    },
    "LARYNX": {
        "de": "Kehlkopf", "fr": "Larynx", "es": "Laringe", "it": "Laringe",
        "nl": "Strottenhoofd", "pt": "Laringe",
    },
    "LIVER": {
        "de": "Leber", "fr": "Foie", "es": "Hígado", "it": "Fegato", "nl": "Lever",
        "pt": "Fígado", "pl": "Wątroba", "el": "Ήπαρ",
    },
    "LOWERLIMB": {
        "de": "Untere Extremität", "fr": "Membre inférieur", "es": "Miembro inferior",
        "it": "Arto inferiore", "nl": "Onderste extremiteit", "pt": "Membro inferior",
    },
    "LSPINE": {
        "de": "Lendenwirbelsäule", "fr": "Rachis lombaire", "es": "Columna lumbar",
        "it": "Rachide lombare", "nl": "Lumbale wervelkolom", "pt": "Coluna lombar",
    },
    "LUNG": {
        "de": "Lunge", "fr": "Poumon", "es": "Pulmón", "it": "Polmone", "nl": "Long",
        "pt": "Pulmão", "pl": "Płuco", "el": "Πνεύμονας",
    },
    "MEDIASTINUM": {
        "de": "Mediastinum", "fr": "Médiastin", "es": "Mediastino", "it": "Mediastino",
        "nl": "Mediastinum", "pt": "Mediastino",
    },
    "NASOPHARYNX": {
        "de": "Nasopharynx", "fr": "Nasopharynx", "es": "Nasofaringe", "it": "Rinofaringe",
        "nl": "Nasofarynx", "pt": "Nasofaringe",
    },
    "NECK": {
        "de": "Hals", "fr": "Cou", "es": "Cuello", "it": "Collo", "nl": "Hals",
        "pt": "Pescoço",
    },
    "OVARY": {
        "de": "Eierstock", "fr": "Ovaire", "es": "Ovario", "it": "Ovaio", "nl": "Eierstok",
        "pt": "Ovário",
    },
    "PANCREAS": {
        "de": "Bauchspeicheldrüse", "fr": "Pancréas", "es": "Páncreas", "it": "Pancreas",
        "nl": "Alvleesklier", "pt": "Pâncreas",
    },
    "PELVIS": {
        "de": "Becken", "fr": "Pelvis", "es": "Pelvis", "it": "Pelvi", "nl": "Bekken",
        "pt": "Pélvis",
    },
    "PHARYNX": {
        "de": "Rachen", "fr": "Pharynx", "es": "Faringe", "it": "Faringe", "nl": "Keelholte",
        "pt": "Faringe",
    },
    "PROSTATE": {
        "de": "Prostata", "fr": "Prostate", "es": "Próstata", "it": "Prostata",
        "nl": "Prostaat", "pt": "Próstata", "pl": "Gruczoł krokowy", "el": "Προστάτης",
    },
    "RECTUM": {
        "de": "Rektum", "fr": "Rectum", "es": "Recto", "it": "Retto", "nl": "Endeldarm",
        "pt": "Reto",
    },
    "RETROPERITONEUM": {
        "de": "Retroperitoneum", "fr": "Rétropéritoine", "es": "Retroperitoneo",
        "it": "Retroperitoneo", "nl": "Retroperitoneum", "pt": "Retroperitoneu",
    },
    "SKULL": {
        "de": "Schädel", "fr": "Crâne", "es": "Cráneo", "it": "Cranio", "nl": "Schedel",
        "pt": "Crânio",
    },
    "SMALLINTESTINE": {
        "de": "Dünndarm", "fr": "Intestin grêle", "es": "Intestino delgado",
        "it": "Intestino tenue", "nl": "Dunne darm", "pt": "Intestino delgado",
    },
    "SPINALCORD": {
        "de": "Rückenmark", "fr": "Moelle épinière", "es": "Médula espinal",
        "it": "Midollo spinale", "nl": "Ruggenmerg", "pt": "Medula espinal",
    },
    "SPINE": {
        "de": "Wirbelsäule", "fr": "Colonne vertébrale", "es": "Columna vertebral",
        "it": "Colonna vertebrale", "nl": "Wervelkolom", "pt": "Coluna vertebral",
    },
    "SPLEEN": {
        "de": "Milz", "fr": "Rate", "es": "Bazo", "it": "Milza", "nl": "Milt", "pt": "Baço",
    },
    "STOMACH": {
        "de": "Magen", "fr": "Estomac", "es": "Estómago", "it": "Stomaco", "nl": "Maag",
        "pt": "Estômago",
    },
    "TESTIS": {
        "de": "Hoden", "fr": "Testicule", "es": "Testículo", "it": "Testicolo",
        "nl": "Zaadbal", "pt": "Testículo",
    },
    "THYROID": {
        "de": "Schilddrüse", "fr": "Thyroïde", "es": "Tiroides", "it": "Tiroide",
        "nl": "Schildklier", "pt": "Tiroide",
    },
    "TRACHEA": {
        "de": "Luftröhre", "fr": "Trachée", "es": "Tráquea", "it": "Trachea",
        "nl": "Luchtpijp", "pt": "Traqueia",
    },
    "TSPINE": {
        "de": "Brustwirbelsäule", "fr": "Rachis thoracique", "es": "Columna torácica",
        "it": "Rachide toracico", "nl": "Thoracale wervelkolom", "pt": "Coluna torácica",
    },
    "UPPERLIMB": {
        "de": "Obere Extremität", "fr": "Membre supérieur", "es": "Miembro superior",
        "it": "Arto superiore", "nl": "Bovenste extremiteit", "pt": "Membro superior",
    },
    "UTERUS": {
        "de": "Gebärmutter", "fr": "Utérus", "es": "Útero", "it": "Utero",
        "nl": "Baarmoeder", "pt": "Útero",
    },
    "WHOLEBODY": {
        "de": "Ganzkörper", "fr": "Corps entier", "es": "Cuerpo entero", "it": "Corpo intero",
        "nl": "Hele lichaam", "pt": "Corpo inteiro", "pl": "Całe ciało",
        "el": "Ολόκληρο το σώμα",
    },
}

SCHEME_MODALITY = {
    "label": {
        "en": "Imaging modalities (DICOM)", "de": "Bildgebungsmodalitäten (DICOM)",
        "fr": "Modalités d'imagerie (DICOM)", "es": "Modalidades de imagen (DICOM)",
        "it": "Modalità di imaging (DICOM)", "nl": "Beeldvormingsmodaliteiten (DICOM)",
        "pt": "Modalidades de imagem (DICOM)", "pl": "Metody obrazowania (DICOM)",
        "el": "Απεικονιστικές μέθοδοι (DICOM)",
    },
    "definition": {
        "en": "The modality codes of DICOM PS3.16: CID 29 Acquisition Modality (which includes "
        "CID 34 Waveform Acquisition Modality) and CID 32 Non-Acquisition Modality, as "
        "recorded in the DICOM attribute Modality (0008,0060).",
        "de": "Die Modalitätscodes von DICOM PS3.16: CID 29 (Akquisitionsmodalitäten, "
        "einschließlich CID 34, Modalitäten für Kurvendaten) und CID 32 (Modalitäten ohne "
        "Bildakquisition), wie sie im DICOM-Attribut Modality (0008,0060) stehen.",
        "fr": "Les codes de modalité de DICOM PS3.16 : CID 29 (modalités d'acquisition, y "
        "compris CID 34, modalités d'acquisition de signaux) et CID 32 (modalités sans "
        "acquisition), tels qu'inscrits dans l'attribut DICOM Modality (0008,0060).",
        "es": "Los códigos de modalidad de DICOM PS3.16: CID 29 (modalidades de adquisición, "
        "incluido CID 34, modalidades de adquisición de señales) y CID 32 (modalidades sin "
        "adquisición), tal como figuran en el atributo DICOM Modality (0008,0060).",
        "it": "I codici di modalità di DICOM PS3.16: CID 29 (modalità di acquisizione, "
        "compreso CID 34, modalità di acquisizione di segnali) e CID 32 (modalità senza "
        "acquisizione), come registrati nell'attributo DICOM Modality (0008,0060).",
        "nl": "De modaliteitscodes van DICOM PS3.16: CID 29 (acquisitiemodaliteiten, "
        "inclusief CID 34, acquisitiemodaliteiten voor signalen) en CID 32 (modaliteiten "
        "zonder acquisitie), zoals vastgelegd in het DICOM-attribuut Modality (0008,0060).",
        "pt": "Os códigos de modalidade do DICOM PS3.16: CID 29 (modalidades de aquisição, "
        "incluindo o CID 34, modalidades de aquisição de sinais) e CID 32 (modalidades sem "
        "aquisição), tal como registados no atributo DICOM Modality (0008,0060).",
    },
}

SCHEME_BODY_PART = {
    "label": {
        "en": "Body parts examined (DICOM)", "de": "Untersuchte Körperregionen (DICOM)",
        "fr": "Régions anatomiques examinées (DICOM)",
        "es": "Regiones anatómicas examinadas (DICOM)",
        "it": "Regioni anatomiche esaminate (DICOM)",
        "nl": "Onderzochte lichaamsdelen (DICOM)",
        "pt": "Regiões anatómicas examinadas (DICOM)", "pl": "Badane okolice ciała (DICOM)",
        "el": "Εξεταζόμενες ανατομικές περιοχές (DICOM)",
    },
    "definition": {
        "en": "The defined terms of the DICOM attribute Body Part Examined (0018,0015), from "
        "DICOM PS3.16 Annex L (Tables L-1 and L-2).",
        "de": "Die definierten Begriffe des DICOM-Attributs Body Part Examined (0018,0015) "
        "aus DICOM PS3.16, Anhang L (Tabellen L-1 und L-2).",
        "fr": "Les termes définis de l'attribut DICOM Body Part Examined (0018,0015), tirés "
        "de DICOM PS3.16, annexe L (tableaux L-1 et L-2).",
        "es": "Los términos definidos del atributo DICOM Body Part Examined (0018,0015), "
        "tomados de DICOM PS3.16, anexo L (tablas L-1 y L-2).",
        "it": "I termini definiti dell'attributo DICOM Body Part Examined (0018,0015), tratti "
        "da DICOM PS3.16, allegato L (tabelle L-1 e L-2).",
        "nl": "De gedefinieerde termen van het DICOM-attribuut Body Part Examined (0018,0015), "
        "uit DICOM PS3.16, bijlage L (tabellen L-1 en L-2).",
        "pt": "Os termos definidos do atributo DICOM Body Part Examined (0018,0015), retirados "
        "do DICOM PS3.16, anexo L (tabelas L-1 e L-2).",
    },
}

GROUP_NOTE = {
    CID29: "Acquisition modality (DICOM PS3.16 CID 29).",
    CID34: "Waveform acquisition modality (DICOM PS3.16 CID 34, included in CID 29).",
    CID32: "Non-acquisition modality (DICOM PS3.16 CID 32).",
}


@dataclass
class Concept:
    code: str
    labels: dict[str, str]
    alt_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    definition: str | None = None
    note: str | None = None
    exact: list[str] = field(default_factory=list)
    close: list[str] = field(default_factory=list)


def literal(text: str, language: str | None = None) -> str:
    """A Turtle string literal (with a language tag when given)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"@{language}" if language else "")


def sentence_case(meaning: str) -> str:
    """'Computed Tomography' -> 'Computed tomography'; acronyms and KEEP_CASE stay."""

    def word(token: str) -> str:
        parts = token.split("-")
        return "-".join(
            part.lower()
            if len(part) > 1 and part[0].isupper() and part[1:].islower() and part not in KEEP_CASE
            else part
            for part in parts
        )

    first, *rest = meaning.split(" ")
    head, *tail = first.split("-")
    first = "-".join([head, *(word(part) for part in tail)])
    return " ".join([first, *(word(token) for token in rest)])


def english_label(meaning: str) -> tuple[str, list[str]]:
    """Return the English label and hidden labels for a DICOM code meaning."""
    if meaning in LABEL_FIXES:
        return LABEL_FIXES[meaning], [meaning]
    return sentence_case(meaning), []


def value_set_codes(path: Path) -> list[tuple[str, str]]:
    """(code, display) of the DCM codes a value set lists (commented-out lines excluded)."""
    pattern = re.compile(r'^\* DICOM_DCM_CodeSystem#(\S+)\s+//"([^"]*)"', re.M)
    return pattern.findall(path.read_text(encoding="utf-8"))


def dcm_definitions(path: Path) -> dict[str, tuple[str, str]]:
    """DCM code -> (code meaning, definition) from the DCM code system."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r'^\* #(\S+) "([^"]*)"\n"""\n(.*?)\n"""', re.M | re.S)
    result: dict[str, tuple[str, str]] = {}
    for code, meaning, block in pattern.findall(text):
        # The block starts with "<Keyword>:" and then the definition.
        definition = block.split(":", 1)[1] if ":" in block else block
        result[code] = (meaning, " ".join(definition.split()))
    return result


def snomed_codes(*paths: Path) -> dict[str, set[str]]:
    """Lower-cased display -> SNOMED CT codes listed in the given value sets."""
    pattern = re.compile(r'^\s*\* http://snomed\.info/sct#(\d+)\s+//"([^"]*)"', re.M)
    codes: dict[str, set[str]] = {}
    for path in paths:
        for code, display in pattern.findall(path.read_text(encoding="utf-8")):
            codes.setdefault(display.lower(), set()).add(code)
    return codes


def modalities(folder: Path) -> list[Concept]:
    definitions = dcm_definitions(folder / DCM)
    seen: set[str] = set()
    concepts: list[Concept] = []
    for source in (CID29, CID34, CID32):
        for code, display in value_set_codes(folder / source):
            if code in seen:
                continue
            seen.add(code)
            meaning, definition = definitions.get(code, (display, ""))
            label, hidden = english_label(meaning)
            concept = Concept(
                code=code,
                labels={"en": label, **TRANSLATIONS_MODALITY.get(code, {})},
                alt_labels=ALT_LABELS_EN.get(code, []),
                hidden_labels=hidden,
                definition=definition or None,
                note=GROUP_NOTE[source],
                exact=[f"dcm:{code}"],
            )
            if code in EUCAIM_MODALITY:
                concept.exact.append(f"eucaim:{EUCAIM_MODALITY[code]}")
            concepts.append(concept)
    unknown = set(TRANSLATIONS_MODALITY) - seen
    if unknown:
        raise SystemExit(f"translations for codes not in CID 29/32: {sorted(unknown)}")
    return concepts


def body_parts(folder: Path) -> list[Concept]:
    text = (folder / BODY_PART).read_text(encoding="utf-8")
    terms = re.findall(r'^\* #(\S+) "([^"]*)" "([^"]*)"', text, re.M)
    snomed = snomed_codes(folder / CID4, folder / CID4031)
    concepts: list[Concept] = []
    for term, display, _definition in terms:
        label, hidden = english_label(display)
        concept = Concept(
            code=term,
            labels={"en": label, **TRANSLATIONS_BODY_PART.get(term, {})},
            alt_labels=ALT_LABELS_EN.get(term, []),
            hidden_labels=hidden,
        )
        codes = snomed.get(display.lower(), set())
        if len(codes) == 1:
            target = f"sct:{next(iter(codes))}"
            (concept.close if term.startswith("ENDO") else concept.exact).append(target)
        concepts.append(concept)
    unknown = set(TRANSLATIONS_BODY_PART) - {c.code for c in concepts}
    if unknown:
        raise SystemExit(f"translations for terms not in Body Part Examined: {sorted(unknown)}")
    return concepts


def language_order(labels: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(labels.items(), key=lambda item: LANGUAGES.index(item[0]))


def objects(values: list[str], indent: str = "        ") -> str:
    """A comma-separated object list, one value per line after the first."""
    return (",\n" + indent).join(values)


def wrapped(values: list[str], indent: str = "        ", width: int = 96) -> str:
    """A comma-separated object list, filled up to ``width`` characters per line."""
    lines: list[str] = []
    line = ""
    for value in values:
        candidate = f"{line}, {value}" if line else value
        if line and len(indent) + len(candidate) + 1 > width:
            lines.append(line + ",")
            line = value
        else:
            line = candidate
    lines.append(line)
    return ("\n" + indent).join(lines)


def scheme_block(
    prefix: str, meta: dict[str, dict[str, str]], source: str, note: str, top: list[str]
) -> str:
    labels = [literal(text, lang) for lang, text in language_order(meta["label"])]
    definitions = [literal(text, lang) for lang, text in language_order(meta["definition"])]
    return (
        f"{prefix}: a skos:ConceptScheme ;\n"
        f"    skos:prefLabel {objects(labels)} ;\n"
        f"    skos:definition {objects(definitions)} ;\n"
        f"    dct:source {literal(source)} ;\n"
        f"    skos:editorialNote {literal(note, 'en')} ;\n"
        f"    owl:versionInfo {literal(VERSION)} ;\n"
        f"    skos:hasTopConcept {wrapped(top)} .\n"
    )


def concept_block(prefix: str, concept: Concept) -> str:
    lines = [
        f"{prefix}:{concept.code} a skos:Concept ;",
        f"    skos:inScheme {prefix}: ;",
        f"    skos:topConceptOf {prefix}: ;",
        f"    skos:notation {literal(concept.code)} ;",
        "    skos:prefLabel "
        + objects([literal(text, lang) for lang, text in language_order(concept.labels)])
        + " ;",
    ]
    if concept.alt_labels:
        lines.append(
            "    skos:altLabel " + ", ".join(literal(t, "en") for t in concept.alt_labels) + " ;"
        )
    if concept.hidden_labels:
        lines.append(
            "    skos:hiddenLabel "
            + ", ".join(literal(t, "en") for t in concept.hidden_labels)
            + " ;"
        )
    if concept.definition:
        lines.append(f"    skos:definition {literal(concept.definition, 'en')} ;")
    if concept.note:
        lines.append(f"    skos:scopeNote {literal(concept.note, 'en')} ;")
    if concept.exact:
        lines.append("    skos:exactMatch " + ", ".join(concept.exact) + " ;")
    if concept.close:
        lines.append("    skos:closeMatch " + ", ".join(concept.close) + " ;")
    lines[-1] = lines[-1][: -len(" ;")] + " ."
    return "\n".join(lines) + "\n"


HEADER = """\
# {title}, version {version}.
#
# GENERATED by ontology/tools/generate_dicom_vocabularies.py from the FHIR Shorthand rendering
# of DICOM PS3.16 (github.com/bvdh/dicom-terminology-in-fhir, CC0, DICOM {dicom}).
# Do not edit by hand: change the script (its docstring lists the choices) and re-run it.
#
{notes}
@prefix {prefix}: <{scheme}> .
@prefix dcm: <http://dicom.nema.org/resources/ontology/DCM/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix eucaim: <https://cancerimage.eu/ontology/EUCAIM#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sct: <http://snomed.info/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

"""


def dicom_version(folder: Path) -> str:
    match = re.search(r'\^version = "([^"]+)"', (folder / DCM).read_text(encoding="utf-8"))
    return match.group(1) if match else "unknown"


def write_scheme(
    path: Path,
    *,
    prefix: str,
    title: str,
    notes: str,
    meta: dict[str, dict[str, str]],
    source: str,
    editorial: str,
    concepts: list[Concept],
    dicom: str,
) -> None:
    scheme = f"{CIR}vocab/{prefix_path(prefix)}/"
    header = HEADER.format(
        title=title, version=VERSION, dicom=dicom, notes=notes, prefix=prefix, scheme=scheme
    )
    concepts = sorted(concepts, key=lambda c: c.code)
    top = [f"{prefix}:{c.code}" for c in concepts]
    body = scheme_block(prefix, meta, source, editorial, top)
    blocks = [header, body] + ["\n" + concept_block(prefix, c) for c in concepts]
    path.write_text("".join(blocks), encoding="utf-8")


def prefix_path(prefix: str) -> str:
    return {"mod": "modality", "body": "body-part"}[prefix]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("fsh_folder", type=Path, help="folder with the bvdh .fsh files")
    parser.add_argument("out_folder", type=Path, help="folder to write the .ttl files to")
    args = parser.parse_args()
    folder: Path = args.fsh_folder
    out: Path = args.out_folder
    out.mkdir(parents=True, exist_ok=True)
    dicom = dicom_version(folder)

    mods = modalities(folder)
    write_scheme(
        out / f"modality-{VERSION}.ttl",
        prefix="mod",
        title="Imaging modalities (DICOM CID 29 and CID 32)",
        notes=(
            "# Concepts: every code of CID 29 Acquisition Modality (with CID 34) and CID 32\n"
            "# Non-Acquisition Modality. Definitions: DCM definitions (PS3.16 Table D-1).\n"
            "# skos:exactMatch: the DCM code; CT, MR and MG also the federation's (EUCAIM)\n"
            "# modality concepts IMG1000026, IMG1000022 and IMG1000030.\n"
            "# Labels other than English are the registry's translations.\n"
        ),
        meta=SCHEME_MODALITY,
        source="DICOM PS3.16, CID 29 (v20231115), CID 34 (v20240913), CID 32 (v20200118)",
        editorial=(
            "English labels are the DICOM code meanings in sentence case; definitions are the "
            "DCM definitions of DICOM PS3.16 Table D-1."
        ),
        concepts=mods,
        dicom=dicom,
    )

    parts = body_parts(folder)
    write_scheme(
        out / f"body-part-{VERSION}.ttl",
        prefix="body",
        title="Body parts examined (DICOM Body Part Examined defined terms)",
        notes=(
            "# Concepts: every defined term of Body Part Examined (0018,0015), PS3.16 Annex L.\n"
            "# SNOMED CT mappings: only where the term's code meaning is the display of exactly\n"
            "# one SNOMED CT code in CID 4 or CID 4031 (exactMatch; closeMatch for ENDO* terms).\n"
            "# Labels other than English are the registry's translations.\n"
        ),
        meta=SCHEME_BODY_PART,
        source="DICOM PS3.16, Annex L, Tables L-1 and L-2",
        editorial=(
            "English labels are the DICOM code meanings in sentence case; three PS3.16 "
            "misspellings are corrected and kept as hidden labels."
        ),
        concepts=parts,
        dicom=dicom,
    )
    exact = sum(1 for c in parts if c.exact)
    close = sum(1 for c in parts if c.close)
    print(f"modality: {len(mods)} concepts")
    print(f"body-part: {len(parts)} concepts, SNOMED CT exactMatch {exact}, closeMatch {close}")


if __name__ == "__main__":
    main()
