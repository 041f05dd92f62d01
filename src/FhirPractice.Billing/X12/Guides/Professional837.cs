namespace FhirPractice.Billing.X12.Guides;

/// <summary>The loops of the 837 professional claim, 005010X222A1, as the reader arranges them (HL levels nest: 2000A ⊃ 2000B ⊃ 2000C).</summary>
public static class Professional837
{
    public const string Implementation = "005010X222A1";

    private static readonly X12LoopSpec Line = new("2400", "LX", ["SV1", "SV5", "PWK", "CR1", "CR3", "CRC", "DTP", "QTY", "MEA", "CN1", "REF", "AMT", "K3", "NTE", "PS1", "HCP"],
        new X12LoopSpec("2410", "LIN", ["CTP", "REF"]),
        new X12LoopSpec("2420A", "NM1", 1, ["82"], ["PRV", "REF"]),
        new X12LoopSpec("2420B", "NM1", 1, ["QB"], ["REF"]),
        new X12LoopSpec("2420C", "NM1", 1, ["77"], ["N3", "N4", "REF"]),
        new X12LoopSpec("2420D", "NM1", 1, ["DQ"], ["REF"]),
        new X12LoopSpec("2420E", "NM1", 1, ["DK"], ["N3", "N4", "REF", "PER"]),
        new X12LoopSpec("2420F", "NM1", 1, ["DN"], ["REF"]),
        new X12LoopSpec("2430", "SVD", ["CAS", "DTP", "AMT"]));

    private static readonly X12LoopSpec OtherSubscriber = new("2320", "SBR", ["CAS", "AMT", "OI", "MOA"],
        new X12LoopSpec("2330A", "NM1", 1, ["IL"], ["N3", "N4", "REF"]),
        new X12LoopSpec("2330B", "NM1", 1, ["PR"], ["N3", "N4", "DTP", "REF"]),
        new X12LoopSpec("2330C", "NM1", 1, ["DN"], ["REF"]),
        new X12LoopSpec("2330D", "NM1", 1, ["82"], ["REF"]),
        new X12LoopSpec("2330E", "NM1", 1, ["77"], ["REF"]),
        new X12LoopSpec("2330F", "NM1", 1, ["DQ"], ["REF"]),
        new X12LoopSpec("2330G", "NM1", 1, ["85"], ["REF"]));

    private static readonly X12LoopSpec Claim = new("2300", "CLM", ["DTP", "PWK", "CN1", "AMT", "REF", "K3", "NTE", "CR1", "CR2", "CRC", "HI", "HCP"],
        new X12LoopSpec("2310A", "NM1", 1, ["DN"], ["REF"]),
        new X12LoopSpec("2310B", "NM1", 1, ["82"], ["PRV", "REF"]),
        new X12LoopSpec("2310C", "NM1", 1, ["77"], ["N3", "N4", "REF"]),
        new X12LoopSpec("2310D", "NM1", 1, ["DQ"], ["REF"]),
        new X12LoopSpec("2310E", "NM1", 1, ["PW"], ["N3", "N4"]),
        new X12LoopSpec("2310F", "NM1", 1, ["45"], ["N3", "N4"]),
        OtherSubscriber,
        Line);

    private static readonly X12LoopSpec Patient = new("2000C", "HL", 3, ["23"], ["PAT"],
        new X12LoopSpec("2010CA", "NM1", 1, ["QC"], ["N3", "N4", "DMG", "REF"]),
        Claim);

    private static readonly X12LoopSpec Subscriber = new("2000B", "HL", 3, ["22"], ["SBR", "PAT"],
        new X12LoopSpec("2010BA", "NM1", 1, ["IL"], ["N3", "N4", "DMG", "REF"]),
        new X12LoopSpec("2010BB", "NM1", 1, ["PR"], ["N3", "N4", "REF"]),
        Claim,
        Patient);

    private static readonly X12LoopSpec BillingProvider = new("2000A", "HL", 3, ["20"], ["PRV", "CUR"],
        new X12LoopSpec("2010AA", "NM1", 1, ["85"], ["N3", "N4", "REF", "PER"]),
        new X12LoopSpec("2010AB", "NM1", 1, ["87"], ["N3", "N4"]),
        new X12LoopSpec("2010AC", "NM1", 1, ["PE"], ["N3", "N4", "REF"]),
        Subscriber);

    public static readonly X12TransactionSpec Spec = new("837", Implementation, new X12LoopSpec("header", "ST", ["BHT"],
        new X12LoopSpec("1000A", "NM1", 1, ["41"], ["PER"]),
        new X12LoopSpec("1000B", "NM1", 1, ["40"], []),
        BillingProvider));
}
