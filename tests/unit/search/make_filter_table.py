"""Regenerates the case rows of filter_table_test.cc from corpus.txt and our parser's answers.

  search_filter_probe < corpus.txt > ours.txt   # first diff against search_corpus.py's reference
  python make_filter_table.py corpus.txt ours.txt filter_table_test.cc   # rewrites the file in place

Only regenerate after checking that every difference from the reference is intended.
"""
import sys

ENT = {"runs": "kRuns", "exp": "kExperiments", "rm": "kRegisteredModels", "mv": "kModelVersions", "lm": "kLoggedModels"}

corpus = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if "|" in l]
ours = open(sys.argv[2], encoding="utf-8").read().splitlines()
src = open(sys.argv[3], encoding="utf-8").read()
head = src[: src.index("const Case kFilterCases[] = {")]
tail = src[src.index("};\n\nstd::string Outcome("):]
rows_f, rows_o = [], []
for c, o in zip(corpus, ours):
    ent, text = c.split("|", 1)
    row = '    {SearchEntity::%s, R"~(%s)~", R"~(%s)~"},' % (ENT[ent[3:] if ent.startswith("ob-") else ent], text, o)
    (rows_o if ent.startswith("ob-") else rows_f).append(row)
with open(sys.argv[3], "w", encoding="utf-8") as f:
    f.write(head + "const Case kFilterCases[] = {\n" + "\n".join(rows_f) + "\n};\n\nconst Case kOrderByCases[] = {\n"
            + "\n".join(rows_o) + "\n" + tail)
