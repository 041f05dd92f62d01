using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public static class WrittenResource
{
    /// <summary>
    /// The resource a write hook is told about: the one the engine prepared when it has it, else parsed from the
    /// stored bytes. Not for deletions. Hooks read it and never change it.
    /// </summary>
    public static Resource Resource(this ResourceWrite write) => write.Parsed ?? ResourceSerializer.ParseTrustedJson(write.Json.Span);
}
