using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Validation;

/// <summary>The checks every write passes before it is stored; throws a <see cref="FhirError"/> naming what and where.</summary>
public interface IWriteValidator
{
    ValueTask ValidateAsync(Resource resource, CancellationToken ct);
}
