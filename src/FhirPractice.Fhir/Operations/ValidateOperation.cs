using System.Net;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Operations;

/// <summary>
/// $validate at type and instance level (http://hl7.org/fhir/R4/resource-operation-validate.html):
/// the same checks a write runs, reported as an OperationOutcome instead of refusing, with the
/// modes create, update and delete.
/// </summary>
public sealed class ValidateOperation(IWriteValidator validator)
{
    public FhirOperation Definition => new("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate",
        System: false, Type: true, Instance: true, Types: [], Handler: InvokeAsync)
    {
        // Validating changes nothing: a caller who may read, create or update the type may ask.
        Access = new OperationAccess([FhirInteraction.Read, FhirInteraction.Create, FhirInteraction.Update]),
    };

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var body = FhirEngine.ParseBody(r);
        Resource? resource = body;
        string? mode = r.QueryValue("mode");
        if (body is Parameters parameters && type != "Parameters")
        {
            resource = parameters.GetSingle("resource")?.Resource;
            mode = (parameters.GetSingleValue<Code>("mode")?.Value) ?? mode;
        }
        mode ??= "create";
        if (mode is not ("create" or "update" or "delete"))
            throw FhirError.BadRequest($"mode must be create, update or delete, not '{mode}'", "mode");

        if (mode == "delete")
        {
            if (id is null) throw FhirError.BadRequest("mode=delete needs an instance: POST [type]/[id]/$validate");
            var current = await engine.Store.ReadAsync(type!, id, ct);
            if (current is null || current.Deleted) throw FhirError.NotFound($"{type}/{id} does not exist");
            return Ok("The resource can be deleted");
        }
        if (resource is null) throw FhirError.BadRequest("No resource to validate: send it as the body or as the 'resource' parameter");
        if (resource.TypeName != type)
            throw FhirError.BadRequest($"The resource is a {resource.TypeName}, but the URL is for {type}", "resourceType");
        if (mode == "update")
        {
            if (resource.Id is null) throw FhirError.BadRequest("mode=update needs a resource with an id", $"{type}.id");
            if (id is not null && resource.Id != id) throw FhirError.BadRequest($"The id '{resource.Id}' does not match the URL's '{id}'", $"{type}.id");
        }
        try
        {
            await validator.ValidateAsync(resource, ct);
        }
        catch (FhirError e)
        {
            return new FhirResponse { Status = HttpStatusCode.OK, Resource = e.Outcome };
        }
        return Ok("Validation successful: no issues found");
    }

    private static FhirResponse Ok(string message) =>
        new() { Resource = FhirError.Issue(OperationOutcome.IssueType.Informational, message, severity: OperationOutcome.IssueSeverity.Information) };
}
