namespace FhirPractice.Billing.X12.Guides;

/// <summary>The loops of the 999 implementation acknowledgment, 005010X231A1.</summary>
public static class Acknowledgment999
{
    public const string Implementation = "005010X231A1";

    public static readonly X12TransactionSpec Spec = new("999", Implementation, new X12LoopSpec("header", "ST", ["AK1", "AK9"],
        new X12LoopSpec("2000", "AK2", ["IK5"],
            new X12LoopSpec("2100", "IK3", ["CTX"],
                new X12LoopSpec("2110", "IK4", ["CTX"])))));
}
