using Hl7.Fhir.FhirPath;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirPractice.Fhir.Search;

public static class FhirPathCompilers
{
    /// <summary>A compiler that knows FHIR's own functions (resolve(), extension(), …) besides the standard ones.</summary>
    public static FhirPathCompiler WithFhirFunctions() => new(new SymbolTable().AddStandardFP().AddFhirExtensions());
}
