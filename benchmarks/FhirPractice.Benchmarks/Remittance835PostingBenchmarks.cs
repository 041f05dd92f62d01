using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using FhirPractice.Billing;
using FhirPractice.Billing.X12;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Storage.Sqlite;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Benchmarks;

/// <summary>
/// 835 posting through the engine with the billing module on a SQLite file: one $import-remittance of an 835 paying
/// <see cref="Claims"/> submitted two-line claims (CO-45 and PR-1 on the first line), each invocation with a new trace
/// number so it posts rather than being recognised as posted. It reads and balances the file, finds each claim by its
/// number, matches the lines by REF*6R and commits the ExplanationOfBenefits, the statement Invoice, the
/// PaymentReconciliation and their ledger entries in one transaction. Claim payments/s = Claims / mean.
/// Target: ≥ 1,000 claim payments/s. The bare baseline is the same resources (as one posting wrote them) committed as a
/// plain transaction Bundle on an engine without the billing module: what posting adds to plain writes is the ratio.
/// Between them, the same Bundle on the billing engine adds only the ledger hook (no file to read, no claims to find).
/// </summary>
[MemoryDiagnoser]
public class Remittance835PostingBenchmarks
{
    private const int Claims = 200;

    private string _folder = null!;
    private ServiceProvider _services = null!;
    private FhirEngine _engine = null!;
    private string _remittance = null!;
    private int _trace;
    private ServiceProvider _plainServices = null!;
    private FhirEngine _plainEngine = null!;
    /// <summary>The resources one posting wrote, without id and meta: the baselines' transaction entries.</summary>
    private List<Resource> _posted = null!;
    private string _postedTrace = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = BenchmarkEngine.NewFolder();
        _services = BenchmarkEngine.Services(new SqliteStoreOptions { Path = Path.Combine(_folder, "fhir.db") })
            .AddBilling(new BillingOptions { DropFolder = Path.Combine(_folder, "x12") })
            .BuildServiceProvider();
        _engine = _services.GetRequiredService<FhirEngine>();
        Put(new Organization { Id = "payer", Name = "TEST HEALTH PLAN", Identifier = [new Identifier(BillingSystems.PayerId, "TESTPAYER")] });
        Put(new Organization { Id = "clinic", Name = "GOOD HEALTH CLINIC", Identifier = [new Identifier(BillingSystems.Npi, "1234567893")] });
        Put(new Patient { Id = "patient", Name = [new HumanName { Family = "DOE", Given = ["JANE"] }] });
        Put(new Coverage { Id = "coverage", Status = FinancialResourceStatusCodes.Active, Beneficiary = new ResourceReference("Patient/patient"), Payor = [new ResourceReference("Organization/payer")] });
        // Submitted claims: active, as $submit leaves them (their charges go to the ledger as they are written).
        for (var n = 1; n <= Claims; n++)
            Put(new Claim
            {
                Id = "claim" + n,
                Identifier = [new Identifier(BillingSystems.ClaimNumber, "C" + n)],
                Status = FinancialResourceStatusCodes.Active,
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
                Use = ClaimUseCode.Claim,
                Patient = new ResourceReference("Patient/patient"),
                Created = "2025-03-11",
                Provider = new ResourceReference("Organization/clinic"),
                Priority = new CodeableConcept("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
                Insurance = [new Claim.InsuranceComponent { Sequence = 1, Focal = true, Coverage = new ResourceReference("Coverage/coverage") }],
                Item = [Line(1, "99213", 125m), Line(2, "87880", 35.5m)],
            });
        _remittance = Remittance();
        Post().GetAwaiter().GetResult();
        _postedTrace = $"TRACE{_trace:D6}";
        _posted = [.. Written("ExplanationOfBenefit"), .. Written("Invoice"), .. Written("PaymentReconciliation")];
        if (_posted.Count != Claims + 2) throw new InvalidOperationException($"{_posted.Count} resources posted, {Claims + 2} expected");
        _plainServices = BenchmarkEngine.Services(new SqliteStoreOptions { Path = Path.Combine(_folder, "plain.db") }).BuildServiceProvider();
        _plainEngine = _plainServices.GetRequiredService<FhirEngine>();
    }

    [Benchmark(OperationsPerInvoke = Claims, Description = "post an 835 paying 200 claims")]
    public async System.Threading.Tasks.Task Post()
    {
        var body = new Parameters();
        body.Add("x12", new FhirString(_remittance.Replace("TRACE000000", $"TRACE{++_trace:D6}")));
        Check(await _engine.HandleAsync(new FhirRequest("POST", "$import-remittance", []) { ParsedBody = body }), HttpStatusCode.OK);
    }

    /// <summary>The bare baseline: the posted resources as a plain transaction, on an engine without billing (no ledger).</summary>
    [Benchmark(OperationsPerInvoke = Claims, Baseline = true, Description = "the same 202 resources, a plain transaction")]
    public System.Threading.Tasks.Task PlainTransaction() => Transaction(_plainEngine);

    /// <summary>The posted resources as a transaction on the billing engine: the writes and their ledger entries, no 835 read or matched.</summary>
    [Benchmark(OperationsPerInvoke = Claims, Description = "the same 202 resources, a transaction with the ledger")]
    public System.Threading.Tasks.Task LedgerTransaction() => Transaction(_engine);

    private async System.Threading.Tasks.Task Transaction(FhirEngine engine)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var trace = $"TRACE{++_trace:D6}";
        foreach (var resource in _posted)
        {
            var copy = (Resource)resource.DeepCopy();
            // A new trace number, as each posting has: the ledger refuses a payment posted twice.
            if (copy is PaymentReconciliation reconciliation)
                foreach (var identifier in reconciliation.Identifier) identifier.Value = identifier.Value.Replace(_postedTrace, trace);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + Guid.NewGuid(),
                Resource = copy,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = copy.TypeName },
            });
        }
        // As billing sends its transactions: checked as strictly as JSON, answered with locations only.
        Check(await engine.HandleAsync(new FhirRequest("POST", "", []) { ParsedBody = bundle, CheckParsedBody = true, Return = PreferReturn.Minimal }), HttpStatusCode.OK);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plainServices.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchmarkEngine.Remove(_services, _folder);
    }

    private List<Resource> Written(string type)
    {
        var response = _engine.HandleAsync(new FhirRequest("GET", type, [new("_count", "1000")])).GetAwaiter().GetResult();
        Check(response, HttpStatusCode.OK);
        return ((Bundle)response.ToResource()!).Entry.Select(e => e.Resource).OfType<Resource>().Select(r =>
        {
            r.Id = null;
            r.Meta = null;
            return r;
        }).ToList();
    }

    /// <summary>Every claim: line 1 paid 80.00 of 125.00 (CO-45 25.00, PR-1 20.00), line 2 paid in full.</summary>
    private static string Remittance()
    {
        var w = new X12Writer(new X12Parties("ZZ", "TESTPAYER", "ZZ", "FHIRPRACTICE"), 1, DateTimeOffset.UtcNow);
        w.BeginGroup("HP", 1, "005010X221A1");
        w.BeginTransaction("835", 1, "005010X221A1");
        w.Segment("BPR", "I", Amount(Claims * 115.5m), "C", "ACH", "CCP", "01", "999999999", "DA", "123456", "1512345678", "", "01", "999988880", "DA", "98765", "20250415");
        w.Segment("TRN", "1", "TRACE000000", "1512345678");
        w.Segment("N1", "PR", "TEST HEALTH PLAN", "XV", "TESTPAYER");
        w.Segment("N1", "PE", "GOOD HEALTH CLINIC", "XX", "1234567893");
        w.Segment("LX", "1");
        for (var n = 1; n <= Claims; n++)
        {
            w.Segment("CLP", "C" + n, "1", "160.50", "115.50", "20.00", "12", "P" + n);
            w.Segment("SVC", w.Composite("HC", "99213"), "125.00", "80.00", "", "1");
            w.Segment("CAS", "CO", "45", "25.00");
            w.Segment("CAS", "PR", "1", "20.00");
            w.Segment("REF", "6R", $"C{n}-1");
            w.Segment("SVC", w.Composite("HC", "87880"), "35.50", "35.50", "", "1");
            w.Segment("REF", "6R", $"C{n}-2");
        }
        w.EndTransaction();
        w.EndGroup();
        return w.Finish();
    }

    private static Claim.ItemComponent Line(int sequence, string code, decimal charge) => new()
    {
        Sequence = sequence, ProductOrService = new CodeableConcept(BillingSystems.Cpt, code),
        Serviced = new Date("2025-03-10"), Quantity = new Quantity { Value = 1 }, Net = new Money { Value = charge, Currency = Money.Currencies.USD },
    };

    private void Put(Resource resource) =>
        Check(_engine.HandleAsync(new FhirRequest("PUT", $"{resource.TypeName}/{resource.Id}", []) { ParsedBody = resource }).GetAwaiter().GetResult(), HttpStatusCode.Created);

    private static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static void Check(FhirResponse response, HttpStatusCode expected)
    {
        if (response.Status != expected)
            throw new InvalidOperationException($"{(int)response.Status}: {(response.Resource as OperationOutcome)?.Issue.FirstOrDefault()?.Diagnostics}");
    }
}
