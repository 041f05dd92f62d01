using FhirPractice.Billing.Remittance;
using FhirPractice.Billing.X12;
using FhirPractice.Fhir;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Posting;

/// <summary>
/// Takes one inbound X12 file — an 835 remittance, a 999 or a 277CA acknowledgment, told by its GS01/ST01 — reads all
/// of it before writing anything (a fault is a 400 naming the segment and position, and nothing is posted) and posts
/// it. The answer is a Parameters summary: what was read, what was written, what matched nothing.
/// </summary>
public sealed class RemittanceImport(RemittancePosting remittances, AcknowledgmentPosting acknowledgments)
{
    public async Task<Parameters> ImportAsync(BillingDoor door, string text, CancellationToken ct)
    {
        X12Interchange interchange;
        try { interchange = X12Reader.Read(text); }
        catch (X12FormatException e) { throw Refused(e); }
        var codes = interchange.Transactions.Select(t => t.Code).Distinct().ToList();
        if (codes.Count != 1)
            throw FhirError.BadRequest(codes.Count == 0 ? "The interchange holds no transaction set" : $"One file holds one kind of transaction set; this one holds {string.Join(", ", codes)}");
        var result = new Parameters();
        result.Add("transactionSet", new Code(codes[0]));
        result.Add("interchange", new FhirString(interchange.ControlNumber));
        switch (codes[0])
        {
            case "835":
                var advices = Read(() => Remittance835Reader.Read(interchange));
                var posted = await remittances.PostAsync(door, advices, ct);
                foreach (var reconciliation in posted.Reconciliations) result.Add("reconciliation", new ResourceReference(reconciliation));
                result.Add("claimsPosted", new Integer(posted.ClaimsPosted));
                result.Add("unmatched", new Integer(posted.Unmatched));
                result.Add("alreadyPosted", new FhirBoolean(posted.AlreadyPosted));
                break;
            case "999":
                Summary(result, await acknowledgments.Post999Async(door, Read(() => AcknowledgmentReader.Read999(interchange)), ct));
                break;
            case "277":
                Summary(result, await acknowledgments.Post277Async(door, Read(() => AcknowledgmentReader.Read277(interchange)), ct));
                break;
            default:
                var st = interchange.Transactions.First().St;
                throw Refused(new X12FormatException("ST", st.Position, $"transaction set {st[1]} is not one billing takes in (835, 999, 277)"));
        }
        return result;
    }

    private static void Summary(Parameters result, (int Updated, List<string> NotFound) posted)
    {
        result.Add("claimResponsesUpdated", new Integer(posted.Updated));
        foreach (var missing in posted.NotFound) result.Add("notFound", new FhirString(missing));
    }

    private static T Read<T>(Func<T> read)
    {
        try { return read(); }
        catch (X12FormatException e) { throw Refused(e); }
    }

    private static FhirError Refused(X12FormatException e) => FhirError.BadRequest($"The X12 file cannot be read: {e.Message}");
}
