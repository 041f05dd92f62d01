using BenchmarkDotNet.Attributes;
using FhirPractice.Billing;
using FhirPractice.Billing.Claims;
using FhirPractice.Billing.Edi;
using FhirPractice.Billing.X12;
using FhirPractice.Billing.X12.Guides;
using Hl7.Fhir.Model;

namespace FhirPractice.Benchmarks;

/// <summary>
/// 837P generation: a batch of 1,000 two-line claims written as one interchange, and read back through the
/// envelope and loop readers. Target: ≥ 2,000 claims/s written (one operation = 1,000 claims, so ≤ 500 ms).
/// </summary>
[MemoryDiagnoser]
public class Professional837Benchmarks
{
    private const int Claims = 1000;
    private readonly Professional837Writer _writer = new(new BillingOptions());
    private List<ClaimPackage> _batch = null!;
    private string _interchange = null!;

    [GlobalSetup]
    public void Setup()
    {
        var provider = new Organization
        {
            Name = "GOOD HEALTH CLINIC",
            Identifier = [new Identifier(BillingSystems.Npi, "1234567893"), new Identifier(BillingSystems.Tin, "12-3456789")],
            Address = [new Address { Line = ["1 MAIN ST"], City = "SPRINGFIELD", State = "IL", PostalCode = "62701-1234" }],
        };
        var payer = new Organization { Name = "TEST HEALTH PLAN", Identifier = [new Identifier(BillingSystems.PayerId, "TESTPAYER")] };
        var doctor = new Practitioner { Identifier = [new Identifier(BillingSystems.Npi, "1245319599")], Name = [new HumanName { Family = "WELBY", Given = ["MARCUS"] }] };
        _batch = Enumerable.Range(1, Claims).Select(n =>
        {
            var patient = new Patient { Id = "p" + n, Name = [new HumanName { Family = "DOE" + n, Given = ["JANE"] }], BirthDate = "1980-02-03", Gender = AdministrativeGender.Female,
                Address = [new Address { Line = ["2 OAK AVE"], City = "SPRINGFIELD", State = "IL", PostalCode = "62704" }] };
            var coverage = new Coverage { Id = "c" + n, SubscriberId = "MEM" + n, Order = 1 };
            var claim = new Claim
            {
                Id = "claim" + n,
                Identifier = [new Identifier(BillingSystems.ClaimNumber, "C" + n)],
                Total = new Money { Value = 160.5m },
                Diagnosis = [new Claim.DiagnosisComponent { Sequence = 1, Diagnosis = new CodeableConcept(BillingSystems.Icd10Cm, "J02.9") }],
                Insurance = [new Claim.InsuranceComponent { Sequence = 1, Focal = true, Coverage = new ResourceReference("Coverage/c" + n) }],
                Item =
                [
                    Line(1, "99213", 125m),
                    Line(2, "87880", 35.5m),
                ],
            };
            return new ClaimPackage(claim, patient, coverage, payer, provider, doctor, null, []);
        }).ToList();
        _interchange = _writer.Write(_batch, 1, DateTimeOffset.UtcNow);
    }

    private static Claim.ItemComponent Line(int sequence, string code, decimal charge) => new()
    {
        Sequence = sequence, DiagnosisSequence = [1], ProductOrService = new CodeableConcept(BillingSystems.Cpt, code),
        Serviced = new Date("2025-03-10"), Quantity = new Quantity { Value = 1 }, Net = new Money { Value = charge },
    };

    [Benchmark(Description = "write 1,000 claims as one 837P")]
    public int Write() => _writer.Write(_batch, 1, DateTimeOffset.UtcNow).Length;

    [Benchmark(Description = "read 1,000 claims of an 837P into loops")]
    public int Read() => X12Reader.Read(_interchange).Transactions.Sum(t => X12LoopReader.Read(t, Professional837.Spec).Loops.Count);
}
