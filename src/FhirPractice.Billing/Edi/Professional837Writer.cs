using System.Globalization;
using FhirPractice.Billing.Claims;
using FhirPractice.Billing.X12;
using FhirPractice.Billing.X12.Guides;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Edi;

/// <summary>
/// Writes claims as one 837P (005010X222A1) interchange: one transaction set per batch, and per claim the
/// billing provider (2000A/2010AA), the subscriber and payer (2000B/2010BA/2010BB), the patient when not the
/// subscriber (2000C/2010CA), the claim (2300) with its rendering provider (2310B), the payers before this one
/// with their adjustments (2320/2330A/2330B) and the service lines (2400, REF*6R line control numbers, 2430
/// prior-payer line adjudication). Claims are expected to have passed scrubbing.
/// </summary>
public sealed class Professional837Writer(BillingOptions options)
{
    public string Write(IReadOnlyList<ClaimPackage> claims, long interchangeControl, DateTimeOffset at)
    {
        var w = new X12Writer(new X12Parties(options.SenderQualifier, options.SubmitterId, options.ReceiverQualifier, options.ReceiverId, options.Production),
            interchangeControl, at);
        w.BeginGroup("HC", interchangeControl, Professional837.Implementation);
        w.BeginTransaction("837", 1, Professional837.Implementation);
        w.Segment("BHT", "0019", "00", interchangeControl.ToString(CultureInfo.InvariantCulture), at.ToString("yyyyMMdd"), at.ToString("HHmm"), "CH");
        w.Segment("NM1", "41", "2", options.SubmitterName, "", "", "", "", "46", options.SubmitterId);
        w.Segment("PER", "IC", options.SubmitterContact, "TE", options.SubmitterPhone);
        w.Segment("NM1", "40", "2", options.ReceiverName, "", "", "", "", "46", options.ReceiverId);
        var hl = 0;
        foreach (var claim in claims) WriteClaim(w, claim, ref hl);
        w.EndTransaction();
        w.EndGroup();
        return w.Finish();
    }

    private void WriteClaim(X12Writer w, ClaimPackage p, ref int hl)
    {
        var claim = p.Claim;
        var billingHl = ++hl;
        w.Segment("HL", billingHl.ToString(), "", "20", "1");
        w.Segment("NM1", "85", "2", p.BillingProvider.Name, "", "", "", "", "XX", ClaimFacts.Npi(p.BillingProvider.Identifier));
        Address(w, p.BillingProvider.Address.FirstOrDefault());
        w.Segment("REF", "EI", Digits(ClaimFacts.Identifier(p.BillingProvider.Identifier, BillingSystems.Tin)));

        var self = p.Coverage.Relationship() == "self";
        var subscriberHl = ++hl;
        w.Segment("HL", subscriberHl.ToString(), billingHl.ToString(), "22", self ? "0" : "1");
        var rules = options.RulesFor(p.Payer.PayerId());
        w.Segment("SBR", Sequence(claim, p.Coverage), self ? "18" : "", GroupNumber(p.Coverage), "", "", "", "", "", rules.FilingIndicator);
        var subscriber = self ? p.Patient : p.Subscriber!;
        Person(w, "IL", subscriber, "MI", p.Coverage.SubscriberId);
        Address(w, subscriber.Address.FirstOrDefault());
        if (self) Demographics(w, subscriber);
        w.Segment("NM1", "PR", "2", p.Payer.Name, "", "", "", "", "PI", p.Payer.PayerId());

        if (!self)
        {
            w.Segment("HL", (++hl).ToString(), subscriberHl.ToString(), "23", "0");
            w.Segment("PAT", PatientRelationship(p.Coverage.Relationship()));
            Person(w, "QC", p.Patient, null, null);
            Address(w, p.Patient.Address.FirstOrDefault());
            Demographics(w, p.Patient);
        }

        var claimNumber = claim.ClaimNumber()!;
        w.Segment("CLM", claimNumber, Amount(claim.Total?.Value ?? claim.Item.Sum(i => i.Charge())), "", "",
            w.Composite(claim.PlaceOfService(), "B", claim.FrequencyCode()), "Y", "A", "Y", "Y");
        if (claim.Prior()?.Reference?.Value is { } original) w.Segment("REF", "F8", original);
        var diagnoses = claim.Diagnosis.OrderBy(d => d.Sequence).Select(d => d.DiagnosisCode()!.Replace(".", "")).ToList();
        w.Segment("HI", [.. diagnoses.Select((code, i) => w.Composite(i == 0 ? "ABK" : "ABF", code))]);
        if (p.Rendering is { } rendering)
        {
            var name = rendering.Name.FirstOrDefault();
            w.Segment("NM1", "82", "1", name?.Family, name?.Given.FirstOrDefault(), "", "", "", "XX", ClaimFacts.Npi(rendering.Identifier));
        }

        foreach (var prior in p.PriorPayers) OtherSubscriber(w, p, prior);

        var pointers = claim.Diagnosis.OrderBy(d => d.Sequence).Select(d => d.Sequence).ToList();
        var line = 0;
        foreach (var item in claim.Item.OrderBy(i => i.Sequence))
        {
            w.Segment("LX", (++line).ToString());
            var code = item.ProductOrService.Coding.First();
            var modifiers = item.Modifier.Select(m => m.Coding.FirstOrDefault()?.Code).Take(4).ToArray();
            w.Segment("SV1", w.Composite(["HC", code.Code, .. modifiers]), Amount(item.Charge()), "UN", Quantity(item.Quantity?.Value ?? 1m), "", "",
                w.Composite([.. item.DiagnosisSequence.Select(s => (pointers.IndexOf(s) + 1).ToString())]));
            if (item.ServiceDate() is { } date) w.Segment("DTP", "472", "D8", date.ToString("yyyyMMdd"));
            w.Segment("REF", "6R", ClaimFacts.LineControlNumber(claimNumber, item.Sequence ?? line));
            foreach (var prior in p.PriorPayers) PriorLine(w, prior, item, code);
        }
    }

    private void OtherSubscriber(X12Writer w, ClaimPackage p, PriorPayer prior)
    {
        var self = prior.Coverage.Relationship() == "self";
        w.Segment("SBR", Sequence(p.Claim, prior.Coverage), self ? "18" : PatientRelationship(prior.Coverage.Relationship()), GroupNumber(prior.Coverage),
            "", "", "", "", "", options.RulesFor(prior.Payer.PayerId()).FilingIndicator);
        // Claim-level adjustments are the ones the prior payer made on the claim as a whole; line ones go to 2430.
        Adjustments(w, prior.Adjudication.Adjudication);
        w.Segment("AMT", "D", Amount(prior.Adjudication.Payment?.Amount?.Value ?? 0m));
        w.Segment("OI", "", "", "Y", "", "", "Y");
        var subscriber = self ? p.Patient : p.Subscriber ?? p.Patient;
        Person(w, "IL", subscriber, "MI", prior.Coverage.SubscriberId);
        w.Segment("NM1", "PR", "2", prior.Payer.Name, "", "", "", "", "PI", prior.Payer.PayerId());
    }

    private static void PriorLine(X12Writer w, PriorPayer prior, Claim.ItemComponent item, Coding code)
    {
        var decided = prior.Adjudication.Item.FirstOrDefault(i => i.ItemSequence == item.Sequence);
        if (decided is null) return;
        var paid = decided.Adjudication.Where(a => Category(a) == "benefit").Sum(a => a.Amount?.Value ?? 0m);
        w.Segment("SVD", prior.Payer.PayerId(), Amount(paid), w.Composite("HC", code.Code), "", Quantity(item.Quantity?.Value ?? 1m));
        Adjustments(w, decided.Adjudication);
        if (prior.Adjudication.Created is { } created) w.Segment("DTP", "573", "D8", created.Replace("-", "")[..8]);
    }

    /// <summary>CAS segments, one per group, up to six reasons each, from adjudications categorised as "GROUP-REASON".</summary>
    private static void Adjustments(X12Writer w, IEnumerable<ClaimResponse.AdjudicationComponent> adjudications)
    {
        var adjustments = adjudications
            .Select(a => (Code: a.Category.Coding.FirstOrDefault(c => c.System == BillingSystems.Adjustment)?.Code, Amount: a.Amount?.Value ?? 0m))
            .Where(a => a.Code?.Contains('-') == true)
            .Select(a => (Group: a.Code![..a.Code.IndexOf('-')], Reason: a.Code[(a.Code.IndexOf('-') + 1)..], a.Amount));
        foreach (var group in adjustments.GroupBy(a => a.Group))
            foreach (var chunk in group.Chunk(6))
                w.Segment("CAS", [group.Key, .. chunk.SelectMany(a => new[] { a.Reason, Amount(a.Amount), "" })]);
    }

    private static string? Category(ClaimResponse.AdjudicationComponent a) =>
        a.Category.Coding.FirstOrDefault(c => c.System == BillingSystems.AdjudicationCategory)?.Code;

    private static void Person(X12Writer w, string qualifier, Patient person, string? idQualifier, string? id)
    {
        var name = person.Name.FirstOrDefault();
        w.Segment("NM1", qualifier, "1", name?.Family, name?.Given.FirstOrDefault(), name?.Given.Skip(1).FirstOrDefault(), "", "", idQualifier, id);
    }

    private static void Demographics(X12Writer w, Patient person) =>
        w.Segment("DMG", "D8", person.BirthDate?.Replace("-", ""), person.Gender switch
        {
            AdministrativeGender.Female => "F",
            AdministrativeGender.Male => "M",
            _ => "U",
        });

    private static void Address(X12Writer w, Address? address)
    {
        if (address is null) return;
        w.Segment("N3", [.. address.Line.Take(2)]);
        w.Segment("N4", address.City, address.State, Digits(address.PostalCode));
    }

    private static string Sequence(Claim claim, Coverage coverage)
    {
        var insurance = claim.Insurance.FirstOrDefault(i => i.Coverage?.Reference?.EndsWith("Coverage/" + coverage.Id) == true);
        return (insurance?.Sequence ?? coverage.Order ?? 1) switch { 1 => "P", 2 => "S", 3 => "T", _ => "U" };
    }

    private static string? GroupNumber(Coverage coverage) =>
        coverage.Class.FirstOrDefault(c => c.Type?.Coding.Any(t => t.Code == "group") == true)?.Value;

    private static string PatientRelationship(string relationship) => relationship switch
    {
        "self" => "18",
        "spouse" => "01",
        "child" => "19",
        _ => "G8",
    };

    private static string? Digits(string? text) => text is null ? null : new string(text.Where(char.IsAsciiDigit).ToArray());

    public static string Amount(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Quantity(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
