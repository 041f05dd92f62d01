namespace FhirPractice.Billing.X12.Guides;

/// <summary>The loops of the 835 health care claim payment/advice, 005010X221A1; PLB sits in the header loop's summary.</summary>
public static class Remittance835
{
    public const string Implementation = "005010X221A1";

    public static readonly X12TransactionSpec Spec = new("835", Implementation, new X12LoopSpec("header", "ST", ["BPR", "TRN", "CUR", "REF", "DTM", "PLB"],
        new X12LoopSpec("1000A", "N1", 1, ["PR"], ["N3", "N4", "REF", "PER"]),
        new X12LoopSpec("1000B", "N1", 1, ["PE"], ["N3", "N4", "REF", "RDM"]),
        new X12LoopSpec("2000", "LX", ["TS3", "TS2"],
            new X12LoopSpec("2100", "CLP", ["CAS", "NM1", "MIA", "MOA", "REF", "DTM", "PER", "AMT", "QTY"],
                new X12LoopSpec("2110", "SVC", ["DTM", "CAS", "REF", "AMT", "QTY", "LQ"])))));
}
