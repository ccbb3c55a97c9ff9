#!/usr/bin/env python3
"""Build the shipped 2024 ledger of satker 657757 KPU KABUPATEN LUMAJANG.

    python ledger_data/make_lumajang.py              # write lumajang_2024.jsonl and names.csv
    python ledger_data/make_lumajang.py --check      # write, then verify every constraint
    python ledger_data/make_lumajang.py --check-only # verify the files as they are

Standard library only, fixed random seed: the output is byte-for-byte reproducible.

The file has four parts:
  1. TRANSCRIBED  figures copied from the source document (LKj 2024 of KPU Kabupaten
                  Lumajang), with the source line numbers;
  2. INVENTED     the reconstruction: per-akun split of every ceiling, the budget history
                  per kegiatan, spending pattern, SP2D numbers, refunds and corrections;
  3. generator    turns 1 + 2 into events;
  4. check        an independent fold of the written JSONL per the contract's projection
                  formulas, asserting every constraint (see README.md).
Money is integer rupiah throughout; no float ever touches an amount.
"""

import argparse
import csv
import datetime as dt
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # ledger_data/, where the shipped files live
OUT_JSONL = HERE / "lumajang_2024.jsonl"
OUT_NAMES = HERE / "names.csv"
SOURCE = Path("/work/shared/seeds/000_23bbd7564c5d9671.txt")  # used by --check if present

# =======================================================================================
# 1. TRANSCRIBED from the source document
# =======================================================================================

SATKER = "657757"                      # transcribed, line 941
SATKER_NAME = "KPU KABUPATEN LUMAJANG"  # transcribed, line 941
YEAR = 2024

# Official "LAPORAN REALISASI SP2D TA 2024, Periode Desember 2024", lines 947-959.
# code: (Uraian, Pagu Revisi, Lock Pagu, Realisasi Periode Lalu, Periode Ini,
#        s.d. Periode, % as printed, Sisa Anggaran)           -- transcribed
OFFICIAL_TOTAL = ("JUMLAH SELURUHNYA", 107_905_482_000, 0, 80_554_339_163, 26_721_548_892,
                  107_275_888_055, "99.42 %", 629_593_945)                      # line 947
OFFICIAL = {
    "CQ": ("Penyelenggaraan Pemilu dalam Proses Konsolidasi Demokrasi",
           105_136_831_000, 0, 78_064_875_984, 26_518_728_687, 104_583_604_671, "99.47 %",
           553_226_329),                                                         # line 948
    "CQ.6639": ("Teknis Penyelenggaraan Pemilu/Pemilihan",
                40_950_000_000, 0, 14_432_684_032, 26_118_562_362, 40_551_246_394, "99.03 %",
                398_753_606),                                                    # line 949
    "CQ.6709": ("Perencanaan Program dan Anggaran, serta Penyusunan Peraturan Pelaksanaan "
                "Penyelenggaraan Pemilu",
                1_145_707_000, 0, 739_762_428, 385_085_975, 1_124_848_403, "98.18 %",
                20_858_597),                                                     # line 950
    "CQ.6867": ("Pembentukan Badan Adhoc",
                58_089_345_000, 0, 58_089_343_914, 0, 58_089_343_914, "100.00",
                1_086),                                                          # line 951
    "CQ.6870": ("Masa Kampanye Pemilu", 1_000, 0, 0, 0, 0, "0.00 %", 1_000),     # line 952
    "CQ.6871": ("Pengelolaan, Pengadaan, Laporan, dan Dokumentasi Logistik",
                4_547_001_000, 0, 4_398_314_520, 15_080_350, 4_413_394_870, "97.06 %",
                133_606_130),                                                    # line 953
    "CQ.6872": ("Pemungutan dan Penghitungan Suara",
                386_275_000, 0, 386_273_144, 0, 386_273_144, "100.00", 1_856),   # line 954
    "CQ.6981": ("Pengucapan Sumpah/Janji Presiden dan Wakil Presiden serta Anggota DPR, DPD, "
                "DPRD Provinsi, dan DPRD Kabupaten/Kota",
                2_000, 0, 0, 0, 0, "0.00 %", 2_000),                             # line 955
    "CQ.6982": ("Penetapan Hasil Pemilu",
                18_500_000, 0, 18_497_946, 0, 18_497_946, "99.99 %", 2_054),     # line 956
    "WA": ("Program Dukungan Manajemen",
           2_768_651_000, 0, 2_489_463_179, 202_820_205, 2_692_283_384, "97.24 %",
           76_367_616),                                                          # line 957
    "WA.3355": ("Pengelolaan Keuangan dan Barang Milik Negara",
                2_585_200_000, 0, 2_307_028_019, 202_820_205, 2_509_848_224, "97.09 %",
                75_351_776),                                                     # line 958
    "WA.3360": ("Operasional Perkantoran dan Dukungan Sarana Prasarana",
                183_451_000, 0, 182_435_160, 0, 182_435_160, "99.45 %", 1_015_840),  # line 959
}
SOURCE_LINE = {"": 947, "CQ": 948, "CQ.6639": 949, "CQ.6709": 950, "CQ.6867": 951,
               "CQ.6870": 952, "CQ.6871": 953, "CQ.6872": 954, "CQ.6981": 955,
               "CQ.6982": 956, "WA": 957, "WA.3355": 958, "WA.3360": 959}

# LKj per-kegiatan table, lines 641-653: code: (Pagu Revisi, realisasi, %, sisa) -- transcribed
LKJ_TABLE = {
    "": (107_905_482_000, 107_275_888_055, "99,42 %", None),   # line 641 (no label, no sisa)
    "CQ": (105_136_831_000, 104_583_604_671, "99,47 %", 553_226_329),
    "CQ.6639": (40_950_000_000, 40_551_246_394, "99,03 %", 398_753_606),
    "CQ.6709": (1_145_707_000, 1_124_848_403, "98,18 %", 20_858_597),
    "CQ.6867": (58_089_345_000, 58_089_343_914, "100,00 %", 1_086),
    "CQ.6870": (1_000, 0, "0,00 %", 1_000),
    "CQ.6871": (4_547_001_000, 4_413_394_870, "97,06 %", 133_606_130),
    "CQ.6872": (386_275_000, 386_273_144, "100,00 %", 1_856),
    "CQ.6981": (2_000, 0, "0,00 %", 2_000),
    "CQ.6982": (18_500_000, 18_497_946, "99,99 %", 2_054),
    "WA": (2_768_651_000, 2_692_283_384, "97,24 %", 76_367_616),
    "WA.3355": (2_585_200_000, 2_509_848_224, "97,09 %", 75_351_776),
    "WA.3360": (183_451_000, 182_435_160, "99,45 %", 1_015_840),
}

# LKj jenis-belanja table, lines 666-669, AS PRINTED: jenis: (pagu, realisasi, sisa, %)
JENIS_PRINTED = {
    "": (107_905_482_000, 107_275_888_055, 629_593_945, "99,42 %"),   # line 666
    "51": (2_505_200_000, 2_509_848_224, 75_251_776, "97,09 %"),      # line 667 (misprinted)
    "52": (105_129_782_000, 104_583_053_335, 546_728_665, "99,48 %"),  # line 668
    "53": (190_500_000, 182_986_496, 7_513_504, "96,06 %"),           # line 669
}
# ... and as the data must give it: 51 corrected to WA.3355's figures of line 958.
JENIS = {  # jenis: (ceiling, realised)
    "51": (2_585_200_000, 2_509_848_224),
    "52": (105_129_782_000, 104_583_053_335),
    "53": (190_500_000, 182_986_496),
}

# Budget history in prose, line 324 (section C. PENETAPAN KINERJA)        -- transcribed
PROSE_INITIAL = 80_101_823_000          # "Jumlah Anggaran yang ditetapkan ... Rp 80.101.823.000"
CUT_DATE = "2024-02-12"                 # "Pada Tanggal 12 Februari 2024 ... dikurangi ... oleh KPU RI"
PROSE_AFTER_CUT = 66_952_038_000        # "... sehingga anggaran 2024 menjadi Rp 66.952.038.000"
GRANT_DATE = "2024-07-16"               # "Pada Tanggal 16 Juli 2024 ... Anggaran Hibah dari Pemda Lumajang"
GRANT_TOTAL = 51_000_000_000            # "... sebesar Rp 51.000.000.000"
PROSE_AFTER_GRANT = 117_952_038_000     # "Total anggaran menjadi Rp 117.952.038.000" (also line 318)
CARRY_TOTAL = 10_050_000_000            # "... Mengurangi Anggaran Hibah untuk dimasukkan ke dalam TA 2025"
PROSE_FINAL = 107_905_482_000           # "Total Anggaran Final 2024 sebesar Rp 107.905.482.000"
GRANTOR = "Pemerintah Kabupaten Lumajang"  # "Pemda Lumajang", line 324

# Perjanjian Kinerja (signed 27 Desember 2024), lines 1004-1006 and 1081-1083 -- transcribed
PK_DATE = "2024-12-27"
PK = {"CQ": 115_186_831_000, "WA": 2_768_651_000}
# Section C, lines 320-322, prints the same two amounts with the program labels swapped.
PK_SECTION_C = {"Program Dukungan Manajemen dan Pelaksanaan Tugas Teknis Lainnya KPU": 115_186_831_000,
                "Penyelenggaraan Pemilu dalam Proses Konsolidasi Demokrasi": 2_768_651_000}

PERIOD_START = "2024-12-01"  # the official table is "Periode Desember 2024"

# =======================================================================================
# 2. INVENTED reconstruction (nothing below is in the source; README.md explains each choice)
# =======================================================================================

SEED = 20241231
DIPA_DATE = "2024-01-02"     # invented (given by the brief): DIPA awal recorded on the first working day
REVISE_DATE = "2024-07-17"   # invented: the unexplained +3.444.000, first working day after the hibah
CARRY_DATE = "2024-12-30"    # invented: after the PK of 27 Dec (which still shows the pre-carry split)
UNEXPLAINED = 3_444_000      # = 107.905.482.000 - (80.101.823.000 - 13.149.785.000 + 51.000.000.000 - 10.050.000.000)
CLOSE_LIMIT = "2025-01-31T23:59:59Z"  # recording must be finished by then

# Document numbers (all invented placeholders, documented in README.md).
REF_DIPA = "DIPA-076.01.2.657757/2024"
REF_REV = "REV-{n:02d}/DIPA-076.01.2.657757/2024"
KPPN = "124"  # invented 3-digit KPPN code used in SP2D numbers

# Budget lines. Per line (code, akun):
#   pagu   DIPA awal, 2 Jan          cut    KPU RI cut, 12 Feb      grant  hibah, 16 Jul
#   carry  carry-over to 2025, 30 Dec   rev   +revise, 17 Jul        shift  net pergeseran
#   sisa   final Sisa Anggaran of the line (so realised = final ceiling - sisa)
#   dec    weight of December in the line's realisation (per mille of its realised);
#          each kegiatan's December total of the official table is shared out by it
#   prof   spending profile (PROFILES below); "payroll" for WA.3355
# The per-kegiatan sums are asserted against the official table before anything is written.
M = 1_000_000  # readability only: millions of rupiah (integers)
LINES = [
    # code      akun      pagu            cut            grant          carry         rev        shift          sisa        dec  prof
    # --- CQ.6639 Teknis Penyelenggaraan Pemilu/Pemilihan: Pemilu 14 Feb (APBN) + Pilkada 27 Nov (hibah)
    ("CQ.6639", "521211", 6_000 * M, 1_500 * M, 9_000 * M, 1_900 * M, 0, 0, 112_400_150, 680, "teknis"),
    ("CQ.6639", "521213", 4_200 * M, 1_000 * M, 6_500 * M, 1_300 * M, 0, 0, 61_250_000, 620, "teknis"),
    ("CQ.6639", "521219", 5_800 * M, 1_400 * M, 8_000 * M, 1_700 * M, 0, 0, 98_703_456, 700, "teknis"),
    ("CQ.6639", "524111", 1_650 * M, 500 * M, 1_000 * M, 200 * M, 0, -450 * M, 41_200_000, 400, "teknis"),
    ("CQ.6639", "524113", 2_300 * M, 500 * M, 2_500 * M, 600 * M, 0, 0, 38_600_000, 550, "teknis"),
    ("CQ.6639", "524114", 2_700 * M, 500 * M, 3_000 * M, 600 * M, 0, 0, 44_800_000, 600, "teknis"),
    ("CQ.6639", "522151", 0, 0, 0, 0, 0, 450 * M, 1_800_000, 800, "jasa_profesi"),
    # --- CQ.6709 Perencanaan Program dan Anggaran
    ("CQ.6709", "521211", 250 * M, 70 * M, 150 * M, 25 * M, 0, 0, 6_120_400, 340, "perencanaan"),
    ("CQ.6709", "521213", 180 * M, 54_293_000, 120 * M, 20 * M, 0, 0, 3_087_197, 340, "perencanaan"),
    ("CQ.6709", "524111", 170 * M, 50 * M, 80 * M, 15 * M, 0, 0, 5_451_000, 300, "perencanaan"),
    ("CQ.6709", "524114", 300 * M, 80 * M, 250 * M, 40 * M, 0, 0, 6_200_000, 360, "perencanaan"),
    # --- CQ.6867 Pembentukan Badan Adhoc: PPK/PPS/KPPS/Pantarlih honoraria, nothing in December
    ("CQ.6867", "521213", 42_700 * M, 3_610_655_000, 14_600 * M, 2_600 * M, 0, 0, 300, 0, "adhoc_honor"),
    ("CQ.6867", "521211", 2_300 * M, 300 * M, 800 * M, 200 * M, 0, 0, 200, 0, "adhoc_lain"),
    ("CQ.6867", "521219", 1_600 * M, 200 * M, 500 * M, 100 * M, 0, 0, 186, 0, "adhoc_lain"),
    ("CQ.6867", "524113", 1_100 * M, 100 * M, 300 * M, 50 * M, 0, 0, 200, 0, "adhoc_lain"),
    ("CQ.6867", "524114", 1_200 * M, 100 * M, 300 * M, 50 * M, 0, 0, 200, 0, "adhoc_lain"),
    # --- CQ.6870 Masa Kampanye Pemilu: campaign ended 10 Feb; the cut leaves Rp 1.000
    ("CQ.6870", "521211", 1_100 * M, 1_099_999_000, 0, 0, 0, 0, 1_000, 0, None),
    ("CQ.6870", "524113", 450_074_000, 450_074_000, 0, 0, 0, 0, 0, 0, None),
    # --- CQ.6871 Logistik (incl. part of the belanja modal: warehouse equipment)
    ("CQ.6871", "521211", 1_150 * M, 480 * M, 2_000 * M, 350 * M, 0, 0, 58_400_000, 0, "logistik"),
    ("CQ.6871", "521219", 520 * M, 200 * M, 800 * M, 150 * M, 0, 0, 31_250_626, 10, "logistik"),
    ("CQ.6871", "522141", 480 * M, 180 * M, 500 * M, 90 * M, 0, 0, 22_300_000, 0, "logistik"),
    ("CQ.6871", "524113", 404_500_000, 142_999_000, 300 * M, 60 * M, 0, 0, 14_682_000, 15, "logistik"),
    ("CQ.6871", "532111", 45_500_000, 0, 0, 0, 0, 0, 6_973_504, 0, "modal_gudang"),
    # --- CQ.6872 Pemungutan dan Penghitungan Suara
    ("CQ.6872", "521211", 120 * M, 80 * M, 120 * M, 0, 0, 0, 656, 0, "pemungutan"),
    ("CQ.6872", "521219", 100 * M, 73_725_000, 100 * M, 0, 0, 0, 800, 0, "pemungutan"),
    ("CQ.6872", "524113", 80 * M, 60 * M, 80 * M, 0, 0, 0, 400, 0, "pemungutan"),
    # --- CQ.6981 Pengucapan Sumpah/Janji: cut to Rp 2.000 on 12 Feb
    ("CQ.6981", "524114", 386_542_000, 386_540_000, 0, 0, 0, 0, 2_000, 0, None),
    # --- CQ.6982 Penetapan Hasil Pemilu
    ("CQ.6982", "524114", 35 * M, 21_500_000, 0, 0, 0, 0, 1_054, 0, "penetapan"),
    ("CQ.6982", "521211", 15 * M, 10 * M, 0, 0, 0, 0, 1_000, 0, "penetapan"),
    # --- WA.3355 Pengelolaan Keuangan dan BMN: all of it belanja pegawai (gaji satker)
    ("WA.3355", "511111", 1_810_500_000, 0, 0, 0, 0, 0, 42_800_000, 0, "payroll"),
    ("WA.3355", "511119", 100_000, 0, 0, 0, 0, 0, 48_224, 0, "payroll"),
    ("WA.3355", "511121", 118 * M, 0, 0, 0, 0, 0, 3_900_000, 0, "payroll"),
    ("WA.3355", "511122", 36 * M, 0, 0, 0, 0, 0, 1_200_000, 0, "payroll"),
    ("WA.3355", "511123", 78 * M, 0, 0, 0, 0, 0, 2_600_000, 0, "payroll"),
    ("WA.3355", "511124", 64 * M, 0, 0, 0, 0, 0, 2_100_000, 0, "payroll"),
    ("WA.3355", "511125", 24_100_000, 0, 0, 0, 0, 0, 1_300_000, 0, "payroll"),
    ("WA.3355", "511126", 58 * M, 0, 0, 0, 0, 0, 1_900_000, 0, "payroll"),
    ("WA.3355", "511129", 326_556_000, 0, 0, 0, UNEXPLAINED, 0, 17_203_552, 0, "payroll"),
    ("WA.3355", "511151", 66_500_000, 0, 0, 0, 0, 0, 2_300_000, 0, "payroll"),
    # --- WA.3360 Operasional Perkantoran: office running costs + most of the belanja modal
    ("WA.3360", "521111", 14_451_000, 0, 0, 0, 0, 0, 175_840, 0, "kantor_bulanan"),
    ("WA.3360", "522111", 18 * M, 0, 0, 0, 0, 0, 200_000, 0, "listrik"),
    ("WA.3360", "523111", 6 * M, 0, 0, 0, 0, 0, 100_000, 0, "pemeliharaan"),
    ("WA.3360", "532111", 145 * M, 0, 0, 0, 0, 0, 540_000, 0, "modal_kantor"),
]

# Pergeseran with a lock while the POK revision was pending (invented):
# (lock date, unlock+shift date, from line, to line, amount, revision number)
POK_SHIFTS = [
    ("2024-09-09", "2024-09-20", ("CQ.6639", "524111"), ("CQ.6639", "522151"), 450 * M, 4),
]

# Spending profiles: windows (first day, last day, weight, number of SP2Ds, note).
# A line's Jan-Nov realisation is shared over the "lalu" windows by weight, its December
# realisation over the "dec" windows; each window is split into that many SP2Ds on
# random working days. Windows before 16 Jul are APBN-funded, after it hibah-funded.
PROFILES = {
    "teknis": {
        "lalu": [
            ("2024-01-03", "2024-01-31", 12, 2, "Pemilu 2024: sosialisasi dan bimtek tahapan"),
            ("2024-02-01", "2024-02-29", 23, 1, "Pemilu 2024: pemungutan dan rekapitulasi suara"),
            ("2024-03-01", "2024-03-28", 12, 1, "Pemilu 2024: rekapitulasi dan penetapan hasil"),
            ("2024-04-16", "2024-06-28", 13, 1, "Pemilu 2024: evaluasi dan pelaporan"),
            ("2024-07-01", "2024-07-12", 5, 1, "Pemilihan 2024: persiapan pemutakhiran data pemilih"),
            ("2024-07-17", "2024-08-30", 10, 1, "Pemilihan 2024: pemutakhiran data pemilih"),
            ("2024-09-02", "2024-09-30", 8, 1, "Pemilihan 2024: pencalonan"),
            ("2024-10-01", "2024-10-31", 8, 1, "Pemilihan 2024: kampanye dan debat publik"),
            ("2024-11-01", "2024-11-26", 9, 1, "Pemilihan 2024: persiapan pemungutan suara"),
        ],
        "dec": [
            ("2024-12-02", "2024-12-13", 40, 1, "Pemilihan 2024 (hibah): rekapitulasi dan penetapan"),
            ("2024-12-16", "2024-12-24", 45, 1, "Pemilihan 2024 (hibah): pertanggungjawaban belanja"),
            ("2024-12-27", "2024-12-27", 15, 1, "Pemilihan 2024 (hibah): pertanggungjawaban belanja"),
        ],
    },
    "jasa_profesi": {
        "lalu": [("2024-10-01", "2024-11-26", 1, 2, "Pemilihan 2024: honor narasumber/tenaga ahli")],
        "dec": [("2024-12-02", "2024-12-20", 1, 2, "Pemilihan 2024: honor narasumber/tenaga ahli")],
    },
    "perencanaan": {
        "lalu": [
            ("2024-01-03", "2024-02-29", 25, 1, "Pemilu 2024: rencana kebutuhan dan regulasi teknis"),
            ("2024-03-01", "2024-06-28", 25, 1, "Pemilu 2024: evaluasi anggaran dan laporan"),
            ("2024-07-17", "2024-09-30", 25, 1, "Pemilihan 2024: RAB hibah dan POK"),
            ("2024-10-01", "2024-11-26", 25, 1, "Pemilihan 2024: monitoring anggaran"),
        ],
        "dec": [("2024-12-02", "2024-12-24", 1, 2, "Pemilihan 2024: laporan pertanggungjawaban hibah")],
    },
    "adhoc_honor": {
        "lalu": [
            ("2024-01-22", "2024-01-31", 40, 1, "Honorarium PPK/PPS Pemilu 2024 bulan Januari"),
            ("2024-02-19", "2024-02-29", 40, 1, "Honorarium PPK/PPS Pemilu 2024 bulan Februari"),
            ("2024-02-15", "2024-02-29", 400, 4, "Honorarium KPPS dan Linmas Pemilu 2024"),
            ("2024-03-18", "2024-03-28", 40, 1, "Honorarium PPK/PPS Pemilu 2024 bulan Maret"),
            ("2024-04-22", "2024-04-30", 35, 1, "Honorarium PPK/PPS Pemilu 2024 bulan April"),
            ("2024-05-20", "2024-05-31", 12, 1, "Honorarium PPK Pemilihan 2024 bulan Mei"),
            ("2024-06-19", "2024-06-28", 25, 1, "Honorarium PPK/PPS Pemilihan 2024 bulan Juni"),
            ("2024-07-22", "2024-07-31", 25, 1, "Honorarium PPK/PPS Pemilihan 2024 bulan Juli"),
            ("2024-07-25", "2024-08-09", 45, 1, "Honorarium Pantarlih Pemilihan 2024"),
            ("2024-08-21", "2024-08-30", 27, 1, "Honorarium PPK/PPS Pemilihan 2024 bulan Agustus"),
            ("2024-09-19", "2024-09-30", 27, 1, "Honorarium PPK/PPS Pemilihan 2024 bulan September"),
            ("2024-10-21", "2024-10-31", 27, 1, "Honorarium PPK/PPS Pemilihan 2024 bulan Oktober"),
            ("2024-11-18", "2024-11-26", 27, 1, "Honorarium PPK/PPS Pemilihan 2024 bulan November"),
            ("2024-11-20", "2024-11-29", 230, 3, "Honorarium KPPS dan Linmas Pemilihan 2024"),
        ],
        "dec": [],
    },
    "adhoc_lain": {
        "lalu": [
            ("2024-01-03", "2024-02-09", 30, 2, "Pemilu 2024: bimtek dan perlengkapan KPPS"),
            ("2024-02-15", "2024-03-28", 15, 1, "Pemilu 2024: evaluasi badan adhoc"),
            ("2024-04-16", "2024-06-28", 15, 1, "Pemilihan 2024: seleksi dan pelantikan PPK/PPS"),
            ("2024-07-17", "2024-09-30", 15, 1, "Pemilihan 2024: pembentukan Pantarlih dan KPPS"),
            ("2024-10-01", "2024-11-26", 25, 2, "Pemilihan 2024: bimtek dan perlengkapan KPPS"),
        ],
        "dec": [],
    },
    "logistik": {
        "lalu": [
            ("2024-01-03", "2024-01-31", 12, 1, "Pemilu 2024: pengadaan dan sortir-lipat logistik"),
            ("2024-02-01", "2024-02-13", 10, 1, "Pemilu 2024: distribusi logistik"),
            ("2024-02-15", "2024-03-28", 3, 1, "Pemilu 2024: pengembalian dan penyimpanan logistik"),
            ("2024-07-17", "2024-09-30", 15, 1, "Pemilihan 2024: pengadaan logistik"),
            ("2024-10-01", "2024-11-08", 35, 2, "Pemilihan 2024: pengadaan dan sortir-lipat surat suara"),
            ("2024-11-11", "2024-11-26", 25, 1, "Pemilihan 2024: distribusi logistik"),
        ],
        "dec": [("2024-12-02", "2024-12-20", 1, 2, "Pemilihan 2024: penarikan dan penyimpanan logistik")],
    },
    "modal_gudang": {
        "lalu": [("2024-03-04", "2024-03-28", 1, 1, "Belanja modal: rak dan peralatan gudang logistik")],
        "dec": [],
    },
    "pemungutan": {
        "lalu": [
            ("2024-02-01", "2024-02-13", 18, 1, "Pemilu 2024: perlengkapan pemungutan dan penghitungan suara"),
            ("2024-11-01", "2024-11-26", 82, 2, "Pemilihan 2024: perlengkapan pemungutan dan penghitungan suara"),
        ],
        "dec": [],
    },
    "penetapan": {
        "lalu": [("2024-03-01", "2024-05-31", 1, 1, "Pemilu 2024: rapat pleno penetapan calon terpilih DPRD Kabupaten")],
        "dec": [],
    },
    "kantor_bulanan": {
        "lalu": [(f"2024-{m:02d}-05", f"2024-{m:02d}-25", 1, 1, "GUP keperluan perkantoran")
                 for m in range(1, 12)],
        "dec": [],
    },
    "listrik": {
        "lalu": [(f"2024-{m:02d}-10", f"2024-{m:02d}-22", 1, 1, "Langganan listrik kantor")
                 for m in range(1, 12)],
        "dec": [],
    },
    "pemeliharaan": {
        "lalu": [("2024-04-16", "2024-04-30", 1, 1, "Pemeliharaan gedung kantor"),
                 ("2024-10-01", "2024-10-31", 1, 1, "Pemeliharaan gedung kantor")],
        "dec": [],
    },
    "modal_kantor": {
        "lalu": [("2024-08-05", "2024-08-30", 45, 1, "Belanja modal: laptop dan printer"),
                 ("2024-09-02", "2024-09-30", 35, 1, "Belanja modal: perangkat jaringan dan server"),
                 ("2024-10-01", "2024-10-31", 20, 1, "Belanja modal: peralatan kantor")],
        "dec": [],
    },
}

# Payroll of WA.3355 (invented): gaji induk on the first working day of each month, THR
# on 22 Mar, gaji ketiga belas on 5 Jun (for the akun that carry them), uang makan of a
# month paid early the next month (November's and December's both in December).
PAYROLL_KIND = {  # akun: which payments it takes
    "511111": "gaji", "511121": "gaji", "511122": "gaji", "511123": "gaji", "511124": "gaji",
    "511125": "gaji", "511151": "gaji", "511119": "bulanan", "511126": "bulanan",
    "511129": "uang_makan",
}
THR_DATE = "2024-03-22"
GAJI13_DATE = "2024-06-05"
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"]

# Pengembalian belanja (SSPB), invented: (code, akun, date, amount, note).
# Each names the latest earlier SP2D of its line in the same period.
REFUNDS = [
    ("CQ.6867", "521213", "2024-03-20", 18_700_000, "Pengembalian honorarium KPPS yang tidak bertugas"),
    ("CQ.6639", "524111", "2024-04-25", 4_350_000, "Pengembalian sisa uang harian perjalanan dinas"),
    ("WA.3355", "511111", "2024-08-14", 3_912_400, "Pengembalian kelebihan pembayaran gaji pegawai mutasi"),
    ("CQ.6709", "524114", "2024-10-21", 2_650_000, "Pengembalian sisa biaya paket meeting"),
    ("CQ.6639", "521211", "2024-12-18", 7_425_000, "Pengembalian sisa belanja bahan Pemilihan"),
    ("CQ.6871", "521219", "2024-12-23", 1_275_000, "Pengembalian sisa biaya penyimpanan logistik"),
]
# SP2D koreksi, invented: (from line, to line, date, amount, note, recorded late?)
CORRECTIONS = [
    (("CQ.6639", "521219"), ("CQ.6872", "521219"), "2024-03-07", 12_500_000,
     "SP2D koreksi: perlengkapan TPS dibebankan pada kegiatan yang salah", False),
    (("CQ.6867", "521219"), ("CQ.6867", "521211"), "2024-05-16", 6_400_000,
     "SP2D koreksi: salah akun, seharusnya belanja bahan", False),
    (("CQ.6639", "524113"), ("CQ.6639", "524114"), "2024-12-20", 27_350_000,
     "SPM koreksi: paket meeting dibebankan pada perjalanan dinas dalam kota", True),
]

# Indonesian national holidays and cuti bersama 2024 (SKB 3 Menteri), plus the two
# election days (14 Feb, 27 Nov) and New Year 2025: no SP2D is issued on these.
HOLIDAYS = {
    "2024-01-01", "2024-02-08", "2024-02-09", "2024-02-10", "2024-02-14", "2024-03-11",
    "2024-03-12", "2024-03-29", "2024-03-31", "2024-04-08", "2024-04-09", "2024-04-10",
    "2024-04-11", "2024-04-12", "2024-04-15", "2024-05-01", "2024-05-09", "2024-05-10",
    "2024-05-23", "2024-05-24", "2024-06-01", "2024-06-17", "2024-06-18", "2024-07-07",
    "2024-08-17", "2024-09-16", "2024-11-27", "2024-12-25", "2024-12-26", "2025-01-01",
    "2025-01-27", "2025-01-28", "2025-01-29",
}

# =======================================================================================
# 3. Generator
# =======================================================================================

FIELD_ORDER = ("kind", "date", "code", "akun", "from_code", "from_akun", "amount", "ref",
               "sp2d", "to_year", "grantor", "name", "note", "recorded_at")


def D(text):
    return dt.date.fromisoformat(text)


def is_working_day(day):
    return day.weekday() < 5 and day.isoformat() not in HOLIDAYS


def working_days(first, last):
    day, out = D(first), []
    while day <= D(last):
        if is_working_day(day):
            out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out


def add_working_days(date, n):
    day = D(date)
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day.isoformat()


def allocate(total, weights):
    """Share integer ``total`` over integer ``weights`` exactly (largest remainder)."""
    assert total >= 0 and all(isinstance(w, int) and w >= 0 for w in weights) and sum(weights) > 0
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


class Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.events = []   # event dicts; private "_..." keys are dropped on output
        self.sp2ds = []    # the sp2d event dicts (also in self.events)

    # ---- ceilings ------------------------------------------------------------------
    def budget_events(self):
        rev_cut, rev_grant, rev_plus, rev_carry = 1, 2, 3, 5
        for code, akun, pagu, cut, grant, carry, rev, _shift, *_ in LINES:
            if pagu:
                self.add(kind="pagu", date=DIPA_DATE, code=code, akun=akun, amount=pagu,
                         ref=REF_DIPA, note="Pagu DIPA awal TA 2024")
            if cut:
                self.add(kind="cut", date=CUT_DATE, code=code, akun=akun, amount=cut,
                         ref=REF_REV.format(n=rev_cut),
                         note="Pengurangan anggaran oleh KPU RI (revisi DIPA 12 Februari 2024)")
            if grant:
                self.add(kind="grant", date=GRANT_DATE, code=code, akun=akun, amount=grant,
                         ref=REF_REV.format(n=rev_grant), grantor=GRANTOR,
                         note="Hibah Pemda Lumajang untuk Pemilihan Bupati dan Wakil Bupati 2024")
            if rev:
                self.add(kind="revise", date=REVISE_DATE, code=code, akun=akun, amount=rev,
                         ref=REF_REV.format(n=rev_plus),
                         note="Tambahan pagu Rp 3.444.000: unexplained by the source; it is the "
                              "difference between the LKj prose arithmetic (107.902.038.000) and "
                              "the official final pagu (107.905.482.000)")
            if carry:
                self.add(kind="carry_over", date=CARRY_DATE, code=code, akun=akun, amount=carry,
                         ref=REF_REV.format(n=rev_carry), to_year=YEAR + 1,
                         note="Sisa dana hibah Pemilihan 2024 dimasukkan ke TA 2025")
        for lock_date, shift_date, (fc, fa), (tc, ta), amount, n in POK_SHIFTS:
            ref = REF_REV.format(n=n)
            self.add(kind="lock", date=lock_date, code=fc, akun=fa, amount=amount, ref=ref,
                     note="Lock pagu: usulan revisi POK (pergeseran antar akun) dalam proses")
            self.add(kind="unlock", date=shift_date, code=fc, akun=fa, amount=amount, ref=ref,
                     note="Revisi POK disahkan")
            self.add(kind="shift", date=shift_date, from_code=fc, from_akun=fa, code=tc, akun=ta,
                     amount=amount, ref=ref,
                     note="Pergeseran: perjalanan dinas ke honor narasumber/tenaga ahli")

    def add(self, **event):
        self.events.append(event)
        return event

    # ---- realisation plan ----------------------------------------------------------
    def plan(self):
        """line -> (realised Jan-Nov, realised December), exact to the official table."""
        plan = {}
        by_keg = defaultdict(list)
        for row in LINES:
            by_keg[row[0]].append(row)
        for keg, rows in by_keg.items():
            dec_total = OFFICIAL[keg][4]
            realised = [final_ceiling(r) - r[8] for r in rows]
            if keg == "WA.3355":
                weights = [payroll_dec_weight(r[1], real) for r, real in zip(rows, realised)]
            else:
                weights = [real * r[9] for r, real in zip(rows, realised)]
            decs = allocate(dec_total, weights) if dec_total else [0] * len(rows)
            for r, real, dec in zip(rows, realised, decs):
                assert 0 <= dec <= real, (keg, r[1])
                plan[(r[0], r[1])] = (real - dec, dec)
        return plan

    def spending(self):
        plan = self.plan()
        for code, akun, *_rest, prof in LINES:
            lalu, dec = plan[(code, akun)]
            if prof is None:
                assert lalu == dec == 0
                continue
            if prof == "payroll":
                self.payroll(code, akun, lalu, dec)
                continue
            for part, total in (("lalu", lalu), ("dec", dec)):
                windows = PROFILES[prof][part]
                if total == 0:
                    continue
                shares = allocate(total, [w[2] for w in windows])
                for (first, last, _w, count, note), share in zip(windows, shares):
                    days = working_days(first, last)
                    amounts = allocate(share, [self.rng.randint(70, 130) for _ in range(count)])
                    dates = sorted(self.rng.choice(days) for _ in range(count))
                    for date, amount in zip(dates, amounts):
                        self.sp2d(date, code, akun, amount, note)

    def payroll(self, code, akun, lalu, dec):
        kind = PAYROLL_KIND[akun]
        regular, december = [], []
        if kind == "uang_makan":
            for m in range(1, 11):
                regular.append((working_days(f"2024-{m + 1:02d}-01", f"2024-{m + 1:02d}-28")[5],
                                f"Uang makan PNS bulan {BULAN[m - 1]} 2024"))
            december = [("2024-12-09", "Uang makan PNS bulan November 2024"),
                        ("2024-12-19", "Uang makan PNS bulan Desember 2024")]
        else:
            for m in range(1, 12):
                regular.append((working_days(f"2024-{m:02d}-01", f"2024-{m:02d}-28")[0],
                                f"Gaji induk bulan {BULAN[m - 1]} 2024"))
            if kind == "gaji":
                regular.append((THR_DATE, "Tunjangan Hari Raya 2024"))
                regular.append((GAJI13_DATE, "Gaji ketiga belas 2024"))
            december = [(working_days("2024-12-01", "2024-12-28")[0], "Gaji induk bulan Desember 2024")]
        for payments, total in ((regular, lalu), (december, dec)):
            for (date, note), amount in zip(payments, allocate(total, [1] * len(payments))):
                self.sp2d(date, code, akun, amount, note)

    def sp2d(self, date, code, akun, amount, note):
        assert is_working_day(D(date)), date
        ev = self.add(kind="sp2d", date=date, code=code, akun=akun, amount=amount, note=note)
        self.sp2ds.append(ev)
        return ev

    # ---- refunds and corrections ---------------------------------------------------
    def line_sp2ds(self, code, akun):
        return sorted((e for e in self.sp2ds if (e["code"], e["akun"]) == (code, akun)),
                      key=lambda e: e["date"])

    @staticmethod
    def period(date):
        return "dec" if date >= PERIOD_START else "lalu"

    def original_for(self, line, date, amount):
        """The latest SP2D of ``line`` before ``date`` in the same period, big enough."""
        cands = [e for e in self.line_sp2ds(*line)
                 if e["date"] < date and self.period(e["date"]) == self.period(date)
                 and e["amount"] > 2 * amount]
        assert cands, (line, date)
        return cands[-1]

    def adjustments(self):
        """Refunds and corrections. The SP2D they name is raised by their amount (and the
        receiving line's nearest SP2D lowered), so every line's net realisation per
        period stays exactly as planned."""
        for n, (code, akun, date, amount, note) in enumerate(REFUNDS, start=1):
            orig = self.original_for((code, akun), date, amount)
            orig["amount"] += amount
            ev = self.add(kind="refund", date=date, code=code, akun=akun, amount=amount,
                          ref=f"SSPB-{SATKER}-2024-{n:03d}", note=note)
            ev["_orig"] = orig
        for n, (src, dst, date, amount, note, late) in enumerate(CORRECTIONS, start=1):
            orig = self.original_for(src, date, amount)
            orig["amount"] += amount
            same = [e for e in self.line_sp2ds(*dst) if self.period(e["date"]) == self.period(date)]
            before = [e for e in same if e["date"] <= date]
            target = before[-1] if before else same[0]
            assert target["amount"] > amount, (dst, date)
            target["amount"] -= amount
            ev = self.add(kind="correction", date=date, from_code=src[0], from_akun=src[1],
                          code=dst[0], akun=dst[1], amount=amount,
                          ref=f"KOREKSI-{SATKER}-2024-{n:03d}", note=note)
            ev["_orig"] = orig
            ev["_late"] = late

    # ---- SP2D numbers and recording times ------------------------------------------
    def number_sp2ds(self):
        """15 digits: 24 | KPPN (3) | jenis SP2D (1) | month (2) | running number (7)."""
        counter = 1_200
        for ev in sorted(self.sp2ds, key=lambda e: (e["date"], e["code"], e["akun"], e["amount"])):
            counter += self.rng.randint(3, 40)
            akun = ev["akun"]
            jenis = "1" if akun.startswith("51") else (
                "2" if akun in ("521213", "522141", "522151", "532111") else "3")
            ev["ref"] = f"24{KPPN}{jenis}{ev['date'][5:7]}{counter:07d}"
            assert len(ev["ref"]) == 15

    def stamp(self):
        """recorded_at: the officer records an SP2D on its day or 1-3 working days later;
        the events of one budget document (DIPA, a revision) together, minute by minute."""
        order = {"name": 0, "pagu": 1, "lock": 2, "unlock": 2, "shift": 3}
        groups = defaultdict(list)
        for ev in self.events:
            kind = ev["kind"]
            if kind == "sp2d":
                day = add_working_days(ev["date"], self.rng.choice([0, 0, 0, 1, 1, 2, 3]))
                ev["_at"] = (day, self.rng.randint(90, 570))
            elif kind == "correction" and ev.get("_late"):
                ev["_at"] = ("2025-01-07", self.rng.randint(90, 570))
            elif kind in ("refund", "correction"):
                day = add_working_days(ev["date"], self.rng.choice([0, 0, 1]))
                ev["_at"] = (day, self.rng.randint(90, 570))
            else:
                groups[(ev["date"], ev.get("ref", kind))].append(ev)
        for (date, _ref), members in groups.items():
            if members[0]["kind"] in ("name", "pagu"):
                day, base = date, 60 if members[0]["kind"] == "name" else 90
            else:
                day, base = add_working_days(date, self.rng.choice([0, 0, 1])), self.rng.randint(90, 480)
            members.sort(key=lambda e: order.get(e["kind"], 2))
            for i, ev in enumerate(members):
                ev["_at"] = (day, base + (0 if ev["kind"] == "name" else i))
        # a refund or correction is recorded after the SP2D it names
        for ev in self.events:
            if "_orig" in ev and ev["_at"] <= ev["_orig"]["_at"]:
                day, minute = ev["_orig"]["_at"]
                ev["_at"] = (day, minute + 7)
        for ev in self.events:
            day, minute = ev["_at"]
            assert minute < 24 * 60
            ev["recorded_at"] = f"{day}T{minute // 60:02d}:{minute % 60:02d}:00Z"

    def names(self):
        for code, row in OFFICIAL.items():
            self.add(kind="name", date=DIPA_DATE, code=code, name=row[0])

    def build(self):
        self.names()
        self.budget_events()
        self.spending()
        self.adjustments()
        self.number_sp2ds()
        for ev in self.events:
            if "_orig" in ev:
                ev["sp2d"] = ev["_orig"]["ref"]
        self.stamp()
        self.events.sort(key=lambda e: e["recorded_at"])  # stable: ties keep build order
        out = []
        for ev in self.events:
            out.append({k: ev[k] for k in FIELD_ORDER if k in ev})
        return out


def final_ceiling(row):
    _code, _akun, pagu, cut, grant, carry, rev, shift, *_ = row
    return pagu - cut + grant - carry + rev + shift


def payroll_dec_weight(akun, realised):
    """December's share of a payroll line: 1 of 14 payments (gaji), 1 of 12 (monthly
    only), 2 of 12 (uang makan: November's and December's)."""
    kind = PAYROLL_KIND[akun]
    return realised * {"gaji": 6, "bulanan": 7, "uang_makan": 14}[kind]  # x/84


def check_spec():
    """The invented split must add up to the transcribed figures before we write."""
    keg = defaultdict(lambda: [0, 0])
    for row in LINES:
        keg[row[0]][0] += final_ceiling(row)
        keg[row[0]][1] += final_ceiling(row) - row[8]
        assert final_ceiling(row) >= 0 and row[8] >= 0, row
        shift_in = sum(a for _l, _s, _f, to, a, _n in POK_SHIFTS if to == tuple(row[:2]))
        shift_out = sum(a for _l, _s, fr, _t, a, _n in POK_SHIFTS if fr == tuple(row[:2]))
        assert row[7] == shift_in - shift_out, row
    for code, (c, r) in keg.items():
        assert (c, r) == (OFFICIAL[code][1], OFFICIAL[code][5]), (code, c, r)
    assert set(keg) == {k for k in OFFICIAL if "." in k}
    assert sum(r[2] for r in LINES) == PROSE_INITIAL
    assert sum(r[2] - r[3] for r in LINES) == PROSE_AFTER_CUT
    assert sum(r[4] for r in LINES) == GRANT_TOTAL
    assert sum(r[5] for r in LINES) == CARRY_TOTAL
    assert sum(r[6] for r in LINES) == UNEXPLAINED


def write():
    check_spec()
    events = Builder().build()
    with open(OUT_JSONL, "w", encoding="utf-8", newline="\n") as f:
        for ev in events:
            f.write(json.dumps(ev, ensure_ascii=False) + "\n")
    with open(OUT_NAMES, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name"])
        for code, row in OFFICIAL.items():
            w.writerow([code, row[0]])
    print(f"wrote {len(events)} events to {OUT_JSONL.name} and {len(OFFICIAL)} names to {OUT_NAMES.name}")


# =======================================================================================
# 4. Independent check: re-read the files and fold them per the contract
# =======================================================================================

KINDS = {  # kind: (required, optional) -- the contract's event table
    "pagu": ({"date", "code", "amount"}, {"akun", "ref", "name", "note"}),
    "revise": ({"date", "code", "amount"}, {"akun", "ref", "name", "note"}),
    "shift": ({"date", "from_code", "code", "amount"}, {"from_akun", "akun", "ref", "name", "note"}),
    "cut": ({"date", "code", "amount"}, {"akun", "ref", "name", "note"}),
    "grant": ({"date", "code", "amount"}, {"akun", "ref", "grantor", "name", "note"}),
    "carry_over": ({"date", "code", "amount"}, {"akun", "ref", "to_year", "name", "note"}),
    "lock": ({"date", "code", "amount"}, {"akun", "ref", "name", "note"}),
    "unlock": ({"date", "code", "amount"}, {"akun", "ref", "name", "note"}),
    "sp2d": ({"date", "code", "amount", "ref"}, {"akun", "name", "note"}),
    "correction": ({"date", "from_code", "code", "amount", "sp2d"},
                   {"from_akun", "akun", "ref", "name", "note"}),
    "refund": ({"date", "code", "amount", "ref"}, {"akun", "sp2d", "name", "note"}),
    "name": ({"date", "code", "name"}, {"note"}),
}
CODE_RE = re.compile(r"^[A-Z]{2}(\.[0-9]{4}(\.[A-Z0-9]{1,3})*)?$")
AKUN_RE = re.compile(r"^[0-9]{6}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
CREATING = {"pagu", "grant"}


def sides(ev):
    """(code, akun, d_ceiling, d_locked, d_realised) per line the event moves."""
    k, a = ev["kind"], ev.get("amount")
    c, ak = ev.get("code"), ev.get("akun")
    return {
        "pagu": [(c, ak, a, 0, 0)], "grant": [(c, ak, a, 0, 0)], "revise": [(c, ak, a, 0, 0)],
        "cut": [(c, ak, -a, 0, 0)] if a else [], "carry_over": [(c, ak, -a, 0, 0)] if a else [],
        "shift": [(ev.get("from_code"), ev.get("from_akun"), -a, 0, 0), (c, ak, a, 0, 0)] if a else [],
        "lock": [(c, ak, 0, a, 0)] if a else [], "unlock": [(c, ak, 0, -a, 0)] if a else [],
        "sp2d": [(c, ak, 0, 0, a)] if a else [], "refund": [(c, ak, 0, 0, -a)] if a else [],
        "correction": [(ev.get("from_code"), ev.get("from_akun"), 0, 0, -a), (c, ak, 0, 0, a)] if a else [],
        "name": [],
    }[k]


def percent_text(real, ceiling):
    """100 x real / ceiling, half-up to 2 decimals, as text -- integer arithmetic only."""
    if ceiling == 0:
        return "0.00"
    hundredths = (real * 10_000 * 2 + ceiling) // (2 * ceiling)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


class Failures:
    def __init__(self):
        self.items = []

    def expect(self, ok, what):
        if not ok:
            self.items.append(what)


def check():
    f = Failures()
    expect = f.expect

    # ---- read -----------------------------------------------------------------------
    def no_float(text):
        raise ValueError(f"float {text} in the data")

    events = []
    with open(OUT_JSONL, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            try:
                events.append((n, json.loads(line, parse_float=no_float)))
            except ValueError as e:
                expect(False, f"row {n}: {e}")
    if f.items:
        print("CHECK FAILED:", *f.items, sep="\n  - ")
        return 1

    # ---- rule 1/2 and the file format --------------------------------------------------
    last_at = ""
    for n, ev in events:
        kind = ev.get("kind")
        expect(kind in KINDS, f"row {n}: kind {kind}")
        if kind not in KINDS:
            continue
        req, opt = KINDS[kind]
        keys = set(ev) - {"kind", "recorded_at"}
        expect(req <= keys, f"row {n}: missing {req - keys}")
        expect(keys <= req | opt | {"name"}, f"row {n}: unexpected {keys - req - opt}")
        try:
            D(ev["date"])
        except (ValueError, KeyError):
            expect(False, f"row {n}: date {ev.get('date')}")
            continue
        expect(ev["date"].startswith("2024-"), f"row {n}: date outside 2024")
        for key in ("code", "from_code"):
            if key in ev:
                expect(bool(CODE_RE.match(ev[key])), f"row {n}: {key} {ev[key]}")
                expect(kind == "name" or ev[key].count(".") >= 1, f"row {n}: {key} not a kegiatan")
        for key in ("akun", "from_akun"):
            if key in ev:
                expect(bool(AKUN_RE.match(ev[key])), f"row {n}: {key} {ev[key]}")
        if kind != "name":
            a = ev.get("amount")
            expect(type(a) is int, f"row {n}: amount {a!r} is not a JSON integer")
            expect(type(a) is int and 0 < abs(a) <= 10**15 and (a > 0 or kind == "revise"),
                   f"row {n}: amount {a!r} out of range")
            expect(kind == "name" or "akun" in ev, f"row {n}: money event without akun (akun-level data)")
            if "from_code" in ev:
                expect("from_akun" in ev, f"row {n}: from line without akun")
        at = ev.get("recorded_at", "")
        expect(bool(TIME_RE.match(at)), f"row {n}: recorded_at {at!r}")
        expect(at >= last_at, f"row {n}: recorded_at goes backwards ({at} < {last_at})")
        expect(at >= ev["date"] + "T00:00:00Z", f"row {n}: recorded before its date")
        expect(at <= CLOSE_LIMIT, f"row {n}: recorded after {CLOSE_LIMIT}")
        last_at = max(last_at, at)
        if kind == "carry_over":
            expect(ev.get("to_year") == YEAR + 1, f"row {n}: to_year {ev.get('to_year')}")
    money = [(n, ev) for n, ev in events if ev["kind"] != "name"]

    # ---- rules 3, 4, 6, 7 -------------------------------------------------------------
    pagu_lines, created = set(), set()
    for n, ev in money:
        line = (ev["code"], ev.get("akun"))
        if ev["kind"] == "pagu":
            expect(line not in pagu_lines, f"row {n}: second pagu for {line} (rule 3)")
            pagu_lines.add(line)
        if ev["kind"] in CREATING or (ev["kind"] == "revise" and ev["amount"] > 0) or ev["kind"] == "shift":
            created.add(line)
    for n, ev in money:
        for code, akun, *_ in sides(ev):
            expect((code, akun) in created, f"row {n}: {code}/{akun} has no ceiling in 2024 (rule 4)")
    sp2d_by_ref = {}
    for n, ev in money:
        if ev["kind"] == "sp2d":
            expect(ev["ref"] not in sp2d_by_ref, f"row {n}: SP2D {ev['ref']} twice (rule 6)")
            expect(bool(re.match(r"^24\d{13}$", ev["ref"])), f"row {n}: SP2D number {ev['ref']}")
            expect(is_working_day(D(ev["date"])), f"row {n}: SP2D on a non-working day {ev['date']}")
            sp2d_by_ref[ev["ref"]] = ev
    corrected = defaultdict(int)
    for n, ev in money:
        if ev["kind"] == "correction":
            orig = sp2d_by_ref.get(ev["sp2d"])
            expect(orig is not None, f"row {n}: correction names unknown SP2D (rule 7)")
            if orig:
                expect((orig["code"], orig["akun"]) == (ev["from_code"], ev["from_akun"]),
                       f"row {n}: correction from-line is not the SP2D's line (rule 7)")
                expect(orig["date"] <= ev["date"], f"row {n}: correction before its SP2D")
                corrected[ev["sp2d"]] += ev["amount"]
                expect(corrected[ev["sp2d"]] <= orig["amount"], f"row {n}: corrects more than the SP2D")
            expect((ev["code"], ev["akun"]) != (ev["from_code"], ev["from_akun"]), f"row {n}: no-op correction")
        if ev["kind"] == "refund":
            orig = sp2d_by_ref.get(ev.get("sp2d"))
            expect(orig is not None, f"row {n}: refund without a known SP2D (rule 7)")
            if orig:
                expect((orig["code"], orig["akun"]) == (ev["code"], ev["akun"]),
                       f"row {n}: refund not on its SP2D's line (rule 7)")
                expect(orig["date"] <= ev["date"], f"row {n}: refund before its SP2D")
            expect(ev["ref"].startswith("SSPB"), f"row {n}: refund ref {ev['ref']}")
    kinds = defaultdict(int)
    for _n, ev in events:
        kinds[ev["kind"]] += 1
    expect(250 <= kinds["sp2d"] <= 400, f"{kinds['sp2d']} SP2Ds, expected 250-400")
    expect(kinds["refund"] >= 3 and kinds["correction"] >= 1, "refunds/corrections missing")

    # ---- fold: daily deltas per line, rule 5 at every date ------------------------------
    daily = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for _n, ev in money:
        for code, akun, dc, dl, dr in sides(ev):
            d = daily[(code, akun)][ev["date"]]
            d[0] += dc
            d[1] += dl
            d[2] += dr
    for line, days in daily.items():
        c = l = r = 0
        for date in sorted(days):
            dc, dl, dr = days[date]
            c, l, r = c + dc, l + dl, r + dr
            expect(c >= 0 and l >= 0 and r >= 0 and r + l <= c,
                   f"rule 5: {line[0]}/{line[1]} on {date}: ceiling {c}, locked {l}, realised {r}")

    def as_of(date, before=None):
        """line -> [ceiling, locked, realised, realised before ``before``]"""
        out = {}
        for line, days in daily.items():
            fig = [0, 0, 0, 0]
            for day, (dc, dl, dr) in days.items():
                if day <= date:
                    fig[0] += dc
                    fig[1] += dl
                    fig[2] += dr
                    if before and day < before:
                        fig[3] += dr
            out[line] = fig
        return out

    def total(figs, prefix=""):
        s = [0, 0, 0, 0]
        for (code, _akun), fig in figs.items():
            if code == prefix or code.startswith(prefix + ".") or prefix == "":
                s = [a + b for a, b in zip(s, fig)]
        return s

    # ---- the official table, cell by cell ---------------------------------------------
    year_end = as_of("2024-12-31", PERIOD_START)
    rows = dict(OFFICIAL)
    rows[""] = OFFICIAL_TOTAL
    for code, (name, pagu, lock, lalu, ini, sd, pct, sisa) in rows.items():
        c, l, r, before = total(year_end, code)
        got = (c, l, before, r - before, r, c - r)
        want = (pagu, lock, lalu, ini, sd, sisa)
        expect(got == want, f"official row {code or 'JUMLAH'}: got {got}, want {want}")
        expect(percent_text(r, c) == pct.replace(" %", ""), f"official row {code}: % {percent_text(r, c)} vs {pct}")
    for _lbl, pagu, lock, lalu, ini, sd, _pct, sisa in list(OFFICIAL.values()) + [OFFICIAL_TOTAL]:
        expect(lalu + ini == sd and pagu - sd == sisa and lock == 0, f"source row inconsistent: {_lbl}")
    # ---- jenis belanja --------------------------------------------------------------
    jen = defaultdict(lambda: [0, 0])
    for (code, akun), (c, l, r, _b) in year_end.items():
        jen[akun[:2]][0] += c
        jen[akun[:2]][1] += r
    expect({k: tuple(v) for k, v in jen.items()} == JENIS, f"jenis: {dict(jen)} vs {JENIS}")
    wa3355 = {akun[:2] for (code, akun) in year_end if code == "WA.3355"}
    expect(wa3355 == {"51"}, f"WA.3355 jenis {wa3355}")
    expect(all(akun.startswith("51") == (code == "WA.3355") for (code, akun) in year_end),
           "belanja pegawai outside WA.3355")
    # ---- budget history per the prose -----------------------------------------------
    def ceiling_total(date, prefix=""):
        return total(as_of(date), prefix)[0]

    expect(ceiling_total("2024-01-01") == 0, "ceiling before the DIPA")
    expect(ceiling_total("2024-01-02") == PROSE_INITIAL, f"1/2: {ceiling_total('2024-01-02')}")
    expect(ceiling_total("2024-02-11") == PROSE_INITIAL, "ceiling moved before the cut")
    expect(ceiling_total(CUT_DATE) == PROSE_AFTER_CUT, f"cut: {ceiling_total(CUT_DATE)}")
    expect(ceiling_total("2024-07-15") == PROSE_AFTER_CUT, "ceiling moved before the hibah")
    expect(ceiling_total(GRANT_DATE) == PROSE_AFTER_GRANT, f"hibah: {ceiling_total(GRANT_DATE)}")
    expect(ceiling_total(PK_DATE) == sum(PK.values()) == PROSE_AFTER_GRANT + UNEXPLAINED,
           f"PK total: {ceiling_total(PK_DATE)}")
    for prog, amount in PK.items():
        expect(ceiling_total(PK_DATE, prog) == amount, f"PK {prog}: {ceiling_total(PK_DATE, prog)}")
    expect(ceiling_total("2024-12-31") == PROSE_FINAL == OFFICIAL_TOTAL[1], "final ceiling")
    by_kind = defaultdict(list)
    for _n, ev in money:
        by_kind[ev["kind"]].append(ev)
    expect(all(e["date"] == DIPA_DATE for e in by_kind["pagu"]), "pagu not on 2 Jan")
    expect(sum(e["amount"] for e in by_kind["cut"]) == PROSE_INITIAL - PROSE_AFTER_CUT
           and {e["date"] for e in by_kind["cut"]} == {CUT_DATE} and all("ref" in e and "note" in e for e in by_kind["cut"]),
           "cut events")
    expect(sum(e["amount"] for e in by_kind["grant"]) == GRANT_TOTAL
           and {e["date"] for e in by_kind["grant"]} == {GRANT_DATE}
           and {e.get("grantor") for e in by_kind["grant"]} == {GRANTOR}, "grant events")
    expect([e["amount"] for e in by_kind["revise"]] == [UNEXPLAINED]
           and "unexplained" in by_kind["revise"][0].get("note", ""), "the unexplained revise")
    expect(GRANT_DATE < by_kind["revise"][0]["date"] <= PK_DATE, "revise date")
    carry = by_kind["carry_over"]
    grant_lines = {(e["code"], e["akun"]) for e in by_kind["grant"]}
    expect(sum(e["amount"] for e in carry) == CARRY_TOTAL and all(
        e["code"].startswith("CQ.") and (e["code"], e["akun"]) in grant_lines and e["date"] > PK_DATE
        and e["date"] >= "2024-12-20" and e.get("to_year") == 2025 for e in carry), "carry-over events")
    for (code, akun) in {(e["code"], e["akun"]) for e in carry}:
        grant_amt = sum(e["amount"] for e in by_kind["grant"] if (e["code"], e["akun"]) == (code, akun))
        carry_amt = sum(e["amount"] for e in carry if (e["code"], e["akun"]) == (code, akun))
        expect(carry_amt <= grant_amt, f"carry-over above the hibah on {code}/{akun}")
    expect(total(year_end)[1] == 0, "lock at year end")
    # ---- names.csv ------------------------------------------------------------------
    with open(OUT_NAMES, encoding="utf-8", newline="") as fh:
        names = list(csv.reader(fh))
    expect(names[0] == ["code", "name"], "names.csv header")
    expect({r[0]: r[1] for r in names[1:]} == {k: v[0] for k, v in OFFICIAL.items()}, "names.csv rows")
    expect(len(names) == 1 + len(OFFICIAL), "names.csv row count")
    # ---- transcription against the source, when it is at hand ---------------------------
    if SOURCE.exists():
        src = SOURCE.read_text(encoding="utf-8").splitlines()
        for code, n in SOURCE_LINE.items():
            row = OFFICIAL_TOTAL if code == "" else OFFICIAL[code]
            cells = src[n - 1].split("\t")
            label = (row[0] if code == "" else f"{code} {row[0]}")
            want = [label] + [f"{v:,}" for v in row[1:6]] + [row[6], f"{row[7]:,}"]
            expect(cells == want, f"source line {n} does not read {want}: {cells}")
        expect("Rp 80.101.823.000" in src[323] and "Rp 66.952.038.000" in src[323]
               and "Rp 51.000.000.000" in src[323] and "Rp 117.952.038.000" in src[323]
               and "Rp 10.050.000.000" in src[323] and "Rp 107.905.482.000" in src[323]
               and "12 Februari 2024" in src[323] and "16 Juli 2024" in src[323], "line 324 prose")
        for n, (jenis, vals) in zip(range(666, 670), JENIS_PRINTED.items()):
            cells = src[n - 1].split("\t")
            expect(cells[2:] == [f"{v:,}".replace(",", ".") for v in vals[:3]] + [vals[3]],
                   f"source line {n}: {cells}")

    # ---- the transcribed source against itself ------------------------------------------
    for prog in ("CQ", "WA"):
        kids = [v for k, v in OFFICIAL.items() if k.startswith(prog + ".")]
        expect(all(OFFICIAL[prog][i] == sum(v[i] for v in kids) for i in (1, 2, 3, 4, 5, 7)),
               f"official {prog} row is not the sum of its kegiatan")
    expect(all(OFFICIAL_TOTAL[i] == OFFICIAL["CQ"][i] + OFFICIAL["WA"][i] for i in (1, 2, 3, 4, 5, 7)),
           "official total row is not the sum of the programs")
    for code, (pagu, real, pct, sisa) in LKJ_TABLE.items():
        row = OFFICIAL_TOTAL if code == "" else OFFICIAL[code]
        expect((pagu, real) == (row[1], row[5]) and sisa in (None, row[7])
               and pct.replace(",", ".").replace(" %", "") == percent_text(real, pagu),
               f"LKj table row {code} differs from the SP2D table")

    # ---- report -----------------------------------------------------------------------
    if f.items:
        print(f"CHECK FAILED ({len(f.items)} problems):")
        for item in f.items[:60]:
            print("  -", item)
        return 1
    print(f"check ok: {len(events)} events ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    hdr = f"{'code':9} {'Pagu Revisi':>17} {'Lock':>4} {'Periode Lalu':>17} {'Periode Ini':>16} {'s.d. Periode':>17} {'%':>6} {'Sisa':>13}"
    print(hdr)
    for code in [""] + list(OFFICIAL):
        c, l, r, before = total(year_end, code)
        print(f"{code or 'TOTAL':9} {c:>17,} {l:>4,} {before:>17,} {r - before:>16,} {r:>17,} "
              f"{percent_text(r, c):>6} {c - r:>13,}")
    for j in sorted(jen):
        c, r = jen[j]
        print(f"jenis {j}: ceiling {c:,} realised {r:,} sisa {c - r:,} ({percent_text(r, c)} %)")
    print("source discrepancies (computed from the transcribed figures):")
    for item in source_discrepancies():
        print("  -", item)
    for date in ("2024-01-02", CUT_DATE, GRANT_DATE, REVISE_DATE, PK_DATE, CARRY_DATE, "2024-12-31"):
        print(f"ceiling as of {date}: {ceiling_total(date):,} (CQ {ceiling_total(date, 'CQ'):,}, "
              f"WA {ceiling_total(date, 'WA'):,})")
    return 0


def source_discrepancies():
    """Inconsistencies inside the source, computed from the transcribed figures."""
    out = []
    arithmetic = PROSE_INITIAL - (PROSE_INITIAL - PROSE_AFTER_CUT) + GRANT_TOTAL - CARRY_TOTAL
    out.append(f"line 324: {PROSE_INITIAL:,} - {PROSE_INITIAL - PROSE_AFTER_CUT:,} + {GRANT_TOTAL:,} - "
               f"{CARRY_TOTAL:,} = {arithmetic:,}, but the final pagu is {PROSE_FINAL:,} "
               f"(difference {PROSE_FINAL - arithmetic:,})")
    out.append(f"PK: {PK['CQ']:,} + {PK['WA']:,} = {sum(PK.values()):,}, prose (lines 318, 324) says "
               f"{PROSE_AFTER_GRANT:,} (difference {sum(PK.values()) - PROSE_AFTER_GRANT:,})")
    for jenis, (pagu, real, sisa, pct) in JENIS_PRINTED.items():
        if pagu - real != sisa:
            out.append(f"jenis {jenis or 'total'} (lines 666-669): printed pagu {pagu:,} - realisasi "
                       f"{real:,} = {pagu - real:,}, printed sisa {sisa:,}")
        if pct.replace(",", ".").replace(" %", "") != percent_text(real, pagu):
            out.append(f"jenis {jenis}: printed {pct} but realisasi/pagu = {percent_text(real, pagu)} %")
    parts = [v for k, v in JENIS_PRINTED.items() if k]
    for i, what in ((0, "pagu"), (2, "sisa")):
        if sum(v[i] for v in parts) != JENIS_PRINTED[""][i]:
            out.append(f"jenis table: the {what} column sums to {sum(v[i] for v in parts):,}, "
                       f"the total row says {JENIS_PRINTED[''][i]:,}")
    for code, row in OFFICIAL.items():
        if not row[6].endswith("%"):
            out.append(f"official table line {SOURCE_LINE[code]}: {code} percentage printed '{row[6]}' without '%'")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write, then verify")
    ap.add_argument("--check-only", action="store_true", help="verify the files as they are")
    args = ap.parse_args(argv)
    if not args.check_only:
        write()
    if args.check or args.check_only:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
