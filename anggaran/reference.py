"""The budget rules (and the kinds) in words, for ``anggaran rules [K] [--locale id|en]``.

``RULES[K]`` holds rule K as one short paragraph in Indonesian (``id``, the default) and
English (``en``); docs/reference.md says the same at length, with an example error line
for each. When a kind joins a rule (as blokir, contracts and the bendahara's UP/TUP joined
rules 5, 6, 7 and 10, and the plan (RPD) rules 2, 6, 10 and 11), extend both. Plain
Python, no attrs: ``anggaran rules`` needs nothing else.
"""

import textwrap

from .errors import UsageError

LOCALES = ("id", "en")
WIDTH = 88

RULES = {
    1: {
        "id": "Peristiwa dan berkas harus ditulis dengan format yang benar. Ditolak: jenis "
              "peristiwa atau kolom yang tidak dikenal, kolom wajib yang kosong, kolom yang tidak dipakai oleh "
              "jenis peristiwa itu, dan nilai yang salah bentuk: tanggal yang bukan hari kalender "
              "yang sebenarnya, kode atau akun yang keliru, jumlah yang bukan rupiah utuh (teks, "
              "pecahan, sen, atau pemisah ribuan yang bercampur). Ditolak pula berkas yang bukan "
              "UTF-8, judul kolom yang tidak dikenal, berkas tanpa baris data, pergeseran "
              "atau koreksi ke pos yang sama dengan pos asalnya, kontrak yang tanggal "
              "tanda tangannya (signed) sesudah tanggal berakhirnya (end), cara bayar "
              "(payment) selain LS, GUP, GUP Nihil, atau PTUP, SP2D PTUP tanpa nomor SP2D "
              "TUP-nya (tup) atau tup pada SP2D yang bukan PTUP, tanggal BAST "
              "(bast_date) sesudah tanggal SP2D, bulan (month) yang bukan YYYY-MM, jenis "
              "belanja (jenis) yang bukan dua angka, kode revisi (revision) selain pok atau "
              "tiga angka, serta lembar RPD tanpa baris judul kolom, dengan kolom yang tidak "
              "dikenal, atau dengan satu bulan dua kali.",
        "en": "Events and files must be well formed. Refused: an unknown kind or field, a "
              "missing required field, a field the kind does not take, and a malformed value: a "
              "date that is not a real calendar day, a bad code or akun, an amount that is not a "
              "whole-rupiah amount (text, a fraction, sen, mixed separators). Also refused: a "
              "file that is not UTF-8, an unknown column, a file with no data rows, a shift "
              "or correction to the very line it comes from, a contract signed after its "
              "end, a payment other than LS, GUP, GUP Nihil or PTUP, a PTUP without the TUP "
              "it accounts for (tup) or tup on an SP2D that is not a PTUP, a bast_date "
              "after the SP2D's date, a month that is not YYYY-MM, a jenis that is not two "
              "digits, a revision other than pok or three digits, and an RPD sheet without "
              "its header row, with an unknown column or with a month twice.",
    },
    2: {
        "id": "Jumlah harus berada dalam batas. Ditolak: jumlah nol atau negatif (revisi dan "
              "addendum boleh negatif, tetapi tidak nol; rencana penarikan dana (RPD) boleh "
              "nol, tetapi tidak negatif), jumlah di atas 10^15 rupiah, dan peristiwa yang "
              "membuat angka suatu pos, jenis belanja, atau total satker melampaui 10^15 rupiah.",
        "en": "Amounts must be in range. Refused: an amount that is zero or negative (a revise "
              "or an addendum may be negative, but not zero; a withdrawal plan (RPD) may be "
              "zero, but not negative), an amount above 10^15 rupiah, and an event after "
              "which a figure of a line, a jenis belanja or the total would pass 10^15 rupiah.",
    },
    3: {
        "id": "Satu pagu untuk setiap pos anggaran per tahun. Pagu (DIPA awal) kedua untuk pos "
              "dan tahun yang sama ditolak; pagu yang sudah dibatalkan tidak dihitung. Perubahan "
              "pagu dicatat sebagai revisi, pergeseran, pemotongan, atau hibah.",
        "en": "One pagu per budget line and year. A second pagu (DIPA awal) for the same line "
              "and year is refused; a voided pagu does not count. Change a ceiling with revise, "
              "shift, cut or grant.",
    },
    4: {
        "id": "Setiap peristiwa harus berada pada pos yang memiliki pagu pada tahun itu, kecuali "
              "peristiwa yang menciptakan pagu (pagu, revisi positif, hibah, dan pos tujuan "
              "pergeseran). Pada kode yang pagunya ditetapkan per akun, peristiwa tanpa akun atau "
              "dengan akun yang tidak ada dalam DIPA ditolak. Satu kode dalam satu tahun tidak "
              "boleh memiliki pagu tingkat kode dan pagu tingkat akun sekaligus. UP, TUP, dan "
              "setorannya tidak berada pada pos mana pun: kode dan akun pada TUP hanya "
              "keterangan.",
        "en": "Every event must be on a line that has a ceiling that year, except the events "
              "that create one (pagu, a positive revise, grant, the target of a shift). On a code "
              "whose ceilings are per akun, an event without an akun or with an akun that is not "
              "in the DIPA is refused. One code may not have both code-level and akun-level "
              "ceilings in one year. UP, TUP and their returns are on no line: a TUP's code "
              "and akun are for reference only.",
    },
    5: {
        "id": "Tidak ada pos yang boleh terlampaui pada tanggal mana pun. Pada setiap tanggal "
              "posisi, realisasi ditambah lock pagu, blokir, dan komitmen (nilai kontrak yang "
              "belum dibayar) tidak boleh melebihi pagu; pagu, lock pagu, blokir, maupun "
              "realisasi tidak boleh negatif; dan pembayaran suatu kontrak tidak boleh melebihi "
              "nilainya. Karena itu ditolak: belanja melebihi pagu tersedia, pemotongan atau "
              "luncuran hingga di bawah yang sudah direalisasikan, dikunci, diblokir, dan "
              "dikomitmenkan, lock atau blokir melebihi pagu tersedia, buka lock atau buka "
              "blokir melebihi yang dikunci atau diblokir, pendaftaran kontrak atau addendum "
              "melebihi pagu tersedia, pembayaran kontrak melebihi nilainya, serta "
              "pengembalian belanja atau koreksi melebihi realisasi. Sisa UP di bendahara (UP "
              "dikurangi GUP nihil dan setoran UP) dan sisa setiap TUP (TUP dikurangi PTUP "
              "dan setoran TUP) juga tidak boleh negatif pada akhir hari mana pun, sehingga "
              "GUP nihil, PTUP, atau setoran yang melebihi sisanya ditolak. Ini berlaku juga "
              "bila peristiwanya bertanggal mundur dan pelanggarannya baru timbul pada "
              "tanggal sesudahnya.",
        "en": "No line may be overspent at any date. At every as-of date, realised plus locked, "
              "blocked and committed (the unpaid value of contracts) may not exceed the "
              "ceiling; the ceiling, locked, blocked and realised may not be negative; and a "
              "contract's payments may not exceed its value. So these are refused: spending "
              "beyond what is available, cutting or carrying over below what is realised, "
              "locked, blocked and committed, locking or blocking more than is available, "
              "unlocking or unblocking more than is held, registering a contract or an "
              "addendum beyond what is available, paying a contract beyond its value, "
              "refunding or correcting more than was realised. Nor may the bendahara's UP "
              "outstanding (UP less GUP nihil and UP returns) or any TUP's outstanding (the "
              "TUP less its PTUPs and returns) be negative at the end of any day: a GUP "
              "nihil, PTUP or return beyond what is outstanding is refused. This holds also "
              "when the event is back-dated and only a later date breaks.",
    },
    6: {
        "id": "Setiap peristiwa dicatat satu kali. Nomor SP2D unik dalam satu tahun anggaran, "
              "bersama nomor SP2D UP dan SP2D TUP; "
              "nomor kontrak unik dalam satu tahun anggaran di antara kontrak; pembatalan "
              "dikenali dari nomor urut (seq) peristiwa yang dibatalkannya; peristiwa lain "
              "dikenali dari jenis, tahun, nomor dokumen (ref), kode, akun, kode asal, akun "
              "asal, kontrak, dan TUP yang dirujuknya, serta bulan dan jenis belanja: rencana "
              "penarikan dana (RPD) dikenali dari nomor DIPA atau revisinya, bulan, dan jenis "
              "belanjanya, sehingga revisi RPD memerlukan nomornya sendiri. Peristiwa yang "
              "kunci dan isinya sama dengan "
              "peristiwa yang sudah tercatat dan tidak dibatalkan, atau dengan baris sebelumnya "
              "dalam berkas yang sama, dilewati dan dilaporkan sebagai sudah tercatat. Kunci "
              "yang sama dengan isi berbeda ditolak dengan menyebut seq yang sudah tercatat: "
              "batalkan dahulu peristiwa itu. Peristiwa yang sama persis dengan peristiwa yang "
              "telah dibatalkan juga ditolak, agar impor ulang berkas yang keliru tidak "
              "menghidupkannya kembali. Peristiwa uraian tidak memiliki kunci; hanya yang sama "
              "persis yang dilewati.",
        "en": "Each event is recorded once. An SP2D number is unique within a year, across "
              "SP2Ds, SP2D UP and SP2D TUP; a contract "
              "number is unique within a year among contracts; a void is keyed by the seq it "
              "cancels; any other event by its kind, year, ref, code, akun, from_code, "
              "from_akun, the contract and TUP it names, month and jenis: a withdrawal plan "
              "(RPD) by the number of its DIPA or revision, its month and its jenis, so a "
              "revision of the plan needs its own number. An event whose key and content equal a "
              "recorded event that is not voided, or an earlier row of the same file, is "
              "skipped and reported as already recorded. The same key with different content "
              "is refused, naming the recorded seq: void that event first. An event identical "
              "to a voided one is refused too, so re-importing the file that held the mistake "
              "does not bring it back. A name event has no key; only an identical one is "
              "skipped.",
    },
    7: {
        "id": "Rujukan harus benar. SP2D yang dirujuk SP2D koreksi harus SP2D pada tahun yang "
              "sama yang dibayarkan pada kode dan akun asal koreksi itu, dan jumlah yang "
              "dikoreksi dari satu SP2D tidak boleh melebihi nilainya. SP2D yang dirujuk "
              "pengembalian belanja, bila disebut, harus SP2D pada tahun yang sama pada kode dan "
              "akun pengembalian itu. Tahun tujuan luncuran harus sesudah tahun peristiwanya. "
              "SP2D yang menyebut kontrak harus menyebut kontrak pada tahun yang sama dan pada "
              "pos yang sama, yang terdaftar pada atau sebelum tanggal SP2D dan belum selesai "
              "sebelum tanggal itu (pembayaran pada hari kontrak selesai diterima). Addendum dan "
              "kontrak selesai harus menyebut kontrak pada tahunnya yang belum selesai sebelum "
              "tanggalnya; kontrak diselesaikan satu kali. SP2D PTUP dan setoran TUP harus "
              "menyebut TUP (tup) pada tahun yang sama yang bertanggal pada atau sebelum "
              "tanggalnya. SP2D GUP memerlukan sisa UP di bendahara sekurang-kurangnya sebesar "
              "nilainya pada akhir hari tanggal GUP itu. Tidak ada peristiwa yang boleh "
              "bertanggal sebelum dokumen yang dirujuknya.",
        "en": "References must hold. The SP2D a correction names must be an SP2D of the same "
              "year paid on the correction's from-code and from-akun, and the amounts corrected "
              "away from one SP2D may not exceed it. The SP2D a refund names, when given, must be "
              "an SP2D of the same year on the refund's code and akun. A carry-over's to_year "
              "must be later than its year. An SP2D that names a contract must name a contract "
              "of its year on its line, registered on or before the SP2D's date and not closed "
              "before it (a payment on the closing day is allowed). An addendum or a close must "
              "name a contract of its year not closed before its date; a contract is closed "
              "once. A PTUP or a TUP return must name a TUP (tup) of its year dated on or "
              "before it. A GUP needs UP outstanding of at least its amount at the end of its "
              "date. No event may be dated before what it names.",
    },
    8: {
        "id": "Impor berlaku utuh atau tidak sama sekali. Berkas dinilai seolah seluruh barisnya "
              "sudah tercatat, sehingga urutan baris tidak berpengaruh: koreksi boleh mendahului "
              "SP2D-nya, SP2D boleh mendahului hibah yang mendanainya. Bila ditolak, pesannya "
              "menyebut nomor aturan yang dilanggar dan salah satu baris yang terlibat, dan tidak "
              "satu baris pun dicatat.",
        "en": "An import is all or nothing. The file is judged as if all its rows were "
              "recorded, so row order does not matter: a correction may precede its SP2D, an "
              "SP2D the grant that funds it. A refusal names the rule that breaks and a row that "
              "takes part, and no row is recorded.",
    },
    9: {
        "id": "Tahun anggaran yang sudah ditutup (anggaran close) tidak menerima lagi peristiwa "
              "yang bertanggal pada tahun itu.",
        "en": "A year that has been closed (anggaran close) accepts no more events dated in it.",
    },
    10: {
        "id": "Pembatalan (batal) harus merujuk peristiwa yang sudah tercatat, yang bukan "
              "pembatalan, bukan segel tutup tahun, belum pernah dibatalkan, dan berada pada "
              "tahun anggaran yang masih terbuka. Tanpa peristiwa yang dibatalkan itu, catatan "
              "anggaran harus tetap memenuhi semua aturan lain: membatalkan pagu yang sudah ada "
              "realisasinya, SP2D yang dirujuk koreksi atau pengembalian belanja, atau kontrak "
              "yang masih dirujuk peristiwa lain, ditolak; demikian pula TUP yang dirujuk PTUP "
              "atau setoran TUP, dan SP2D UP yang tanpanya sisa UP menjadi negatif atau "
              "kurang untuk suatu GUP, serta RPD yang angkanya diulang oleh RPD lain yang "
              "bertanggal sesudah bulannya berakhir (aturan 11). Peristiwa lain suatu "
              "kontrak dapat dibatalkan, dan nilai yang dilepas kontrak selesai mengikutinya. Setelah "
              "dibatalkan, kuncinya bebas dipakai lagi.",
        "en": "A void must name a recorded event that is not a void, not a year-end seal and "
              "not already voided, of a year that is still open. Without the voided event the "
              "ledger must keep every other rule: voiding a pagu that has spending on it, an "
              "SP2D that a correction or refund names, or a contract that an event names, is "
              "refused; so is voiding a TUP that a PTUP or a TUP return names, or an SP2D UP "
              "without which the UP outstanding would go negative or fall short of a GUP, or "
              "a plan (RPD) whose figure a later plan, dated after the month ended, repeats "
              "(rule 11). "
              "Every other event of a contract may be voided, and what a close "
              "released follows. Once voided, its key is free.",
    },
    11: {
        "id": "Rencana penarikan dana (RPD) tidak boleh mengubah bulan yang sudah berakhir "
              "sebelum tanggal rencana itu. Untuk setiap bulan dan jenis belanja, setiap RPD "
              "yang bertanggal sesudah hari terakhir bulan itu harus sama dengan RPD yang "
              "berlaku pada hari itu (yang terakhir menurut tanggal, lalu seq, bertanggal pada "
              "atau sebelum hari itu; bila tidak ada, 0). Rencana yang sama dengan yang berlaku "
              "tidak mengubah apa pun dan diterima, sehingga lembar RPD setahun yang direvisi di "
              "tengah tahun tetap dapat diimpor selama bulan-bulan yang sudah lewat tidak "
              "berubah. Aturan ini dinilai atas catatan anggaran beserta seluruh isi berkas yang "
              "diimpor, sehingga RPD bertanggal mundur yang mengubah angka yang sudah "
              "dipertahankan RPD sesudahnya juga ditolak.",
        "en": "A withdrawal plan (RPD) may not change a month that ended before the plan's "
              "date. Per month and jenis belanja, every plan dated after the month's last day "
              "must equal the plan in force on that day (the latest by date, then seq, dated "
              "on or before it; none: 0). A plan equal to the one in force changes nothing and "
              "is allowed, so a whole-year sheet revised mid-year imports as long as its past "
              "months are unchanged. This is judged on the ledger with the whole batch, so a "
              "back-dated plan that would change what a later plan kept is refused too.",
    },
}

_RULE_WORD = {"id": "Aturan", "en": "Rule"}


def _check_locale(locale):
    if locale not in LOCALES:
        raise UsageError(f"unknown locale '{locale}'; use id or en")


def rules_text(number=None, locale="id"):
    """All the rules, numbered and separated by a blank line, or rule ``number`` alone,
    wrapped for a terminal. An unknown number or locale is a UsageError."""
    _check_locale(locale)
    if number is None:
        numbers = sorted(RULES)
    else:
        try:
            key = int(number)
        except (TypeError, ValueError):
            key = None
        if isinstance(number, bool) or key not in RULES:
            raise UsageError(f"rule {number} does not exist; rules are {min(RULES)}-{max(RULES)}")
        numbers = [key]
    return "\n\n".join(textwrap.fill(f"{_RULE_WORD[locale]} {n}: {RULES[n][locale]}", WIDTH,
                                     break_on_hyphens=False)  # "back-dated" stays whole
                       for n in numbers)


# What each kind does, in Indonesian (the English is ``kinds.KINDS[kind].doc``).
KIND_DOCS_ID = {
    "pagu": "pagu awal suatu pos (DIPA awal); sekali per pos per tahun",
    "revise": "pagu bertambah atau berkurang sebesar jumlah bertanda (revisi DIPA/POK)",
    "shift": "memindahkan pagu dari from_code/from_akun ke code/akun (pergeseran)",
    "cut": "pagu berkurang (pemotongan, penghematan)",
    "grant": "pagu bertambah (hibah dari Pemda)",
    "carry_over": "pagu berkurang untuk diluncurkan ke to_year (bawaan: tahun berikutnya), "
                  "yang tidak dengan sendirinya memberi pagu pada tahun itu",
    "lock": "membekukan sebagian pagu selama revisi diproses (lock pagu)",
    "unlock": "melepas pagu yang dibekukan (buka lock)",
    "block": "memblokir sebagian pagu oleh DIPA (blokir); tidak dapat dibelanjakan",
    "unblock": "membuka pagu yang diblokir (buka blokir)",
    "sp2d": "pencairan dana: realisasi bertambah; ref adalah nomor SP2D; payment: ls "
            "(langsung, bawaan), gup, gup_nihil, atau ptup (tup: TUP yang "
            "dipertanggungjawabkannya); dengan contract, pembayaran atas kontrak yang "
            "terdaftar itu; bast_date: tanggal BAST",
    "correction": "memindahkan realisasi SP2D sp2d dari from_code/from_akun ke code/akun "
                  "(SP2D koreksi)",
    "refund": "realisasi berkurang (pengembalian belanja); ref adalah NTPN atau nomor SSPB",
    "contract": "mendaftarkan kontrak (ref: nomornya) pada posnya: nilai yang belum dibayar "
                "menjadi komitmen; date: tanggal pendaftaran, signed: tanggal tanda tangan "
                "(bawaan: date)",
    "contract_change": "addendum: nilai kontrak contract (nomornya) bertambah atau berkurang "
                       "sebesar jumlah bertanda",
    "contract_close": "kontrak selesai atau diakhiri: nilainya yang belum dibayar dilepas",
    "up": "SP2D UP: uang persediaan yang diberikan kepada bendahara; bukan realisasi",
    "tup": "SP2D TUP: tambahan uang persediaan, dipertanggungjawabkan (PTUP) dalam satu "
           "bulan; bukan realisasi; code dan akun hanya keterangan",
    "up_return": "bendahara menyetor kembali UP (setoran UP); ref adalah NTPN",
    "tup_return": "bendahara menyetor kembali sisa TUP tup (nomor SP2D-nya) (setoran TUP); ref "
                  "adalah NTPN",
    "plan": "RPD (Halaman III DIPA): rencana realisasi jenis belanja jenis pada bulan month "
            "(YYYY-MM); menggantikan RPD sebelumnya untuk bulan dan jenis itu; boleh nol",
    "void": "membatalkan peristiwa bernomor voids (seq) yang salah catat; date adalah tanggal "
            "kesalahan ditemukan",
    "name": "menetapkan uraian kode (tingkat mana pun); tanpa akibat pada angka",
}


_FIELD_ORDER = ("date", "month", "jenis", "from_code", "from_akun", "code", "akun", "contract",
                "amount", "sp2d", "ref", "revision", "payment", "tup", "bast_date", "signed",
                "end", "supplier", "voids", "to_year", "grantor", "name", "note")


def _in_order(fields):
    """Fields in the order a person reads an event; any field not listed last, by name."""
    return sorted(fields, key=lambda f: (_FIELD_ORDER.index(f) if f in _FIELD_ORDER
                                         else len(_FIELD_ORDER), f))


def kinds_text(locale="id"):
    """Every kind with the Indonesian names it may be written as, what it does and its
    fields, one paragraph each, from the kinds table (an SP2D also with the payment names
    that stand for it: ``kinds.PAYMENT_LABELS``)."""
    from . import kinds

    _check_locale(locale)
    also = {}
    for alias, kind in kinds.ALIASES.items():
        also.setdefault(kind, []).append(alias.replace("_", " "))
    payments = ", ".join(kinds.PAYMENT_LABELS[p] for p in kinds.PAYMENTS)
    also["sp2d"] = [{"id": f"atau {payments}: SP2D dengan cara bayar itu",
                     "en": f"or {payments}: an SP2D paid so"}[locale]]
    words = {"id": ("wajib", "pilihan"), "en": ("required", "optional")}[locale]
    blocks = []
    for kind, spec in kinds.KINDS.items():
        doc = getattr(spec, "doc", "")
        doc = KIND_DOCS_ID.get(kind, doc) if locale == "id" else doc
        head = kind + (f" ({', '.join(also[kind])})" if kind in also else "")
        fields = (f"{words[0]}: {', '.join(_in_order(spec.required))}; "
                  f"{words[1]}: {', '.join(_in_order(spec.optional)) or '-'}")
        blocks.append(textwrap.fill(f"{head}: {doc}.", WIDTH) + "\n"
                      + textwrap.fill(fields, WIDTH, initial_indent="  ", subsequent_indent="  "))
    return "\n\n".join(blocks)
