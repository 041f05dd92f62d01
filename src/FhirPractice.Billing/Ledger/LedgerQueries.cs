using FhirPractice.Fhir.Storage;

namespace FhirPractice.Billing.Ledger;

/// <summary>One row of an aging report: who owes (a payer or a patient) and their open balance by age in days.</summary>
public sealed record AgingRow(string Party, decimal Days0To30, decimal Days31To60, decimal Days61To90, decimal Days91To120, decimal Over120)
{
    public decimal Total => Days0To30 + Days31To60 + Days61To90 + Days91To120 + Over120;
}

/// <summary>
/// Balances and A/R aging, computed from the ledger entries dated on or before a day. What a payer owes ages per claim
/// from the claim's date of service; what a patient owes ages from the day it became theirs (the remittance that
/// moved it over), their payments settling the oldest first.
/// </summary>
public sealed class LedgerQueries(IResourceStore store)
{
    public async Task<List<LedgerEntry>> EntriesAsync(string? patient, CancellationToken ct)
    {
        var entries = new List<LedgerEntry>();
        var (from, to) = patient is null ? ("", "\uffff") : (patient + "|", patient + "|\uffff");
        while (true)
        {
            var page = await store.ScanStateAsync(new StateRange(LedgerKeys.Entry, from, to, 1000), ct);
            entries.AddRange(page.Select(e => LedgerKeys.Read<LedgerEntry>(e.Value)));
            if (page.Count < 1000) return entries;
            from = page[^1].Key + '\0';
        }
    }

    /// <summary>What the payers and the patients themselves owe on these patients' accounts, as of a day.</summary>
    public async Task<(decimal Payer, decimal Patient)> BalanceAsync(IEnumerable<string> patients, DateOnly asOf, CancellationToken ct)
    {
        decimal payer = 0m, patient = 0m;
        foreach (var p in patients.Distinct())
            foreach (var e in await EntriesAsync(p, ct))
                if (e.Day <= asOf)
                {
                    payer += e.PayerShare;
                    patient += e.PatientShare;
                }
        return (payer, patient);
    }

    public async Task<(List<AgingRow> ByPayer, List<AgingRow> ByPatient)> AgingAsync(DateOnly asOf, CancellationToken ct)
    {
        var entries = (await EntriesAsync(null, ct)).Where(e => e.Day <= asOf).ToList();
        var byPayer = entries.Where(e => e.PayerShare != 0m && e.Claim is not null).GroupBy(e => e.Claim!)
            .Select(claim =>
            {
                var charges = claim.Where(e => e.Kind == LedgerEntry.Charge).ToList();
                var payer = charges.FirstOrDefault()?.Payer ?? claim.First().Payer ?? "(unknown payer)";
                var since = charges.Count > 0 ? charges.Min(e => e.Day) : claim.Min(e => e.Day);
                return (Party: payer, Since: since, Open: claim.Sum(e => e.PayerShare));
            });
        var byPatient = entries.Where(e => e.PatientShare != 0m).GroupBy(e => e.Patient).SelectMany(OpenFirstInFirstOut);
        return (Rows(byPayer, asOf), Rows(byPatient, asOf));
    }

    /// <summary>A patient's responsibilities still open after their payments settled the oldest first.</summary>
    private static IEnumerable<(string Party, DateOnly Since, decimal Open)> OpenFirstInFirstOut(IGrouping<string, LedgerEntry> patient)
    {
        var paid = -patient.Where(e => e.PatientShare < 0m).Sum(e => e.PatientShare);
        foreach (var owed in patient.Where(e => e.PatientShare > 0m).OrderBy(e => e.Day))
        {
            var settled = Math.Min(paid, owed.PatientShare);
            paid -= settled;
            yield return (patient.Key, owed.Day, owed.PatientShare - settled);
        }
        // Paid beyond what is owed: a credit, shown as of today.
        if (paid > 0m) yield return (patient.Key, DateOnly.MaxValue, -paid);
    }

    private static List<AgingRow> Rows(IEnumerable<(string Party, DateOnly Since, decimal Open)> open, DateOnly asOf) =>
        open.Where(o => o.Open != 0m).GroupBy(o => o.Party).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var buckets = new decimal[5];
            foreach (var (_, since, amount) in g)
            {
                var age = since == DateOnly.MaxValue ? 0 : asOf.DayNumber - since.DayNumber;
                buckets[age <= 30 ? 0 : age <= 60 ? 1 : age <= 90 ? 2 : age <= 120 ? 3 : 4] += amount;
            }
            return new AgingRow(g.Key, buckets[0], buckets[1], buckets[2], buckets[3], buckets[4]);
        }).ToList();
}
