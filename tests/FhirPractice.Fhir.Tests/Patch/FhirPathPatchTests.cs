using System.Net;
using FhirPractice.Fhir.Rest.Patch;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirPractice.Fhir.Tests.Patch;

public class FhirPathPatchTests
{
    private static Patient TwoIdentifiers() => new()
    {
        BirthDate = "1920-01-01",
        Identifier = [new Identifier("http://example.org", "1"), new Identifier("http://example.org", "2")],
    };

    private static Parameters.ParameterComponent Operation(string type, string path, params Parameters.ParameterComponent[] parts)
    {
        var operation = new Parameters.ParameterComponent { Name = "operation" };
        operation.Part.Add(new() { Name = "type", Value = new Code(type) });
        operation.Part.Add(new() { Name = "path", Value = new FhirString(path) });
        operation.Part.AddRange(parts);
        return operation;
    }

    private static Parameters.ParameterComponent Part(string name, DataType value) => new() { Name = name, Value = value };

    private static Parameters Patch(params Parameters.ParameterComponent[] operations)
    {
        var patch = new Parameters();
        patch.Parameter.AddRange(operations);
        return patch;
    }

    private static FhirError Fails(HttpStatusCode status, Resource resource, Parameters patch)
    {
        var before = resource.ToJson();
        var error = Assert.Throws<FhirError>(() => FhirPathPatch.Apply(resource, patch));
        Assert.Equal(status, error.Status);
        Assert.Equal(before, resource.ToJson()); // the caller's resource is never half-changed
        return error;
    }

    [Fact]
    public void Replace_of_a_path_matching_two_elements_names_the_operation_and_path()
    {
        var error = Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(),
            Patch(Operation("replace", "Patient.identifier.value", Part("value", new FhirString("x")))));

        Assert.Contains("operation 0", error.Message);
        Assert.Contains("Patient.identifier.value", error.Message);
        Assert.Contains("2 elements", error.Message);
        Assert.Equal("Parameters.parameter[0]", Assert.Single(error.Outcome.Issue).Expression.Single());
    }

    [Fact]
    public void Replace_of_a_path_matching_nothing_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(),
            Patch(Operation("replace", "Patient.gender", Part("value", new Code("male")))));
    }

    [Fact]
    public void Delete_of_a_path_matching_nothing_changes_nothing()
    {
        var patient = TwoIdentifiers();
        var result = FhirPathPatch.Apply(patient, Patch(Operation("delete", "Patient.identifier.where(value = '9')")));
        Assert.Equal(patient.ToJson(), result.ToJson());
    }

    [Fact]
    public void Delete_of_a_path_matching_two_elements_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(), Patch(Operation("delete", "Patient.identifier")));
    }

    [Fact]
    public void Delete_of_one_list_item_keeps_the_others()
    {
        var result = FhirPathPatch.Apply(TwoIdentifiers(), Patch(Operation("delete", "Patient.identifier.where(value = '1')")));
        Assert.Equal("2", Assert.Single(result.Identifier).Value);
    }

    [Fact]
    public void A_failing_second_operation_leaves_the_resource_unchanged()
    {
        var patient = TwoIdentifiers();
        Fails(HttpStatusCode.UnprocessableEntity, patient, Patch(
            Operation("replace", "Patient.birthDate", Part("value", new Date("1930-01-01"))),
            Operation("delete", "Patient.identifier")));
        Assert.Equal("1920-01-01", patient.BirthDate);
    }

    [Fact]
    public void The_patched_resource_is_a_new_instance()
    {
        var patient = TwoIdentifiers();
        var result = FhirPathPatch.Apply(patient, Patch(Operation("replace", "Patient.birthDate", Part("value", new Date("1930-01-01")))));
        Assert.Equal("1930-01-01", result.BirthDate);
        Assert.Equal("1920-01-01", patient.BirthDate);
    }

    [Theory]
    [InlineData("Patient.birthDate")]  // a date cannot hold a boolean
    [InlineData("Patient.gender")]     // nor can a code
    public void A_value_of_the_wrong_type_is_unprocessable(string path)
    {
        var patient = TwoIdentifiers();
        patient.Gender = AdministrativeGender.Male;
        Fails(HttpStatusCode.UnprocessableEntity, patient, Patch(Operation("replace", path, Part("value", new FhirBoolean(true)))));
    }

    [Fact]
    public void A_code_outside_the_bound_enumeration_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, new Patient(),
            Patch(Operation("add", "Patient", Part("name", new FhirString("gender")), Part("value", new Code("sometimes")))));
    }

    [Fact]
    public void Add_to_a_choice_element_accepts_any_of_its_types()
    {
        var result = FhirPathPatch.Apply(new Patient(),
            Patch(Operation("add", "Patient", Part("name", new FhirString("deceased")), Part("value", new FhirBoolean(true)))));
        Assert.Equal(new FhirBoolean(true).Value, (result.Deceased as FhirBoolean)?.Value);

        Fails(HttpStatusCode.UnprocessableEntity, new Patient(),
            Patch(Operation("add", "Patient", Part("name", new FhirString("deceased")), Part("value", new FhirString("yes")))));
    }

    [Fact]
    public void Add_to_a_single_element_that_has_a_value_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(),
            Patch(Operation("add", "Patient", Part("name", new FhirString("birthDate")), Part("value", new Date("1930-01-01")))));
    }

    [Fact]
    public void Add_of_an_unknown_element_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, new Patient(),
            Patch(Operation("add", "Patient", Part("name", new FhirString("shoeSize")), Part("value", new Integer(42)))));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void Insert_outside_the_list_is_unprocessable(int index)
    {
        Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(), Patch(Operation("insert", "Patient.identifier",
            Part("index", new Integer(index)), Part("value", new Identifier("http://example.org", "3")))));
    }

    [Fact]
    public void Insert_into_an_empty_list_at_zero_creates_it()
    {
        var result = FhirPathPatch.Apply(new Patient(), Patch(Operation("insert", "Patient.identifier",
            Part("index", new Integer(0)), Part("value", new Identifier("http://example.org", "3")))));
        Assert.Equal("3", Assert.Single(result.Identifier).Value);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 2)]
    public void Move_outside_the_list_is_unprocessable(int source, int destination)
    {
        Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(), Patch(Operation("move", "Patient.identifier",
            Part("source", new Integer(source)), Part("destination", new Integer(destination)))));
    }

    [Fact]
    public void Insert_into_an_element_that_does_not_repeat_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(), Patch(Operation("insert", "Patient.birthDate",
            Part("index", new Integer(0)), Part("value", new Date("1930-01-01")))));
    }

    [Fact]
    public void Replace_or_delete_of_the_resource_itself_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, TwoIdentifiers(), Patch(Operation("delete", "Patient")));
    }

    public static TheoryData<Parameters> MalformedPatches() => new()
    {
        new Parameters { Parameter = [new() { Name = "op" }] },                                  // not an "operation"
        Patch(new Parameters.ParameterComponent { Name = "operation", Part = [Part("path", new FhirString("Patient"))] }), // no type
        Patch(new Parameters.ParameterComponent { Name = "operation", Part = [Part("type", new Code("delete"))] }),       // no path
        Patch(Operation("upsert", "Patient")),                                                   // unknown type
        Patch(Operation("add", "Patient", Part("value", new Date("1930-01-01")))),              // add without name
        Patch(Operation("replace", "Patient.birthDate")),                                        // replace without value
        Patch(Operation("insert", "Patient.identifier", Part("index", new FhirString("one")), Part("value", new Identifier()))),
        Patch(Operation("delete", "Patient.birthDate", Part("colour", new FhirString("red")))),  // unknown part
        Patch(Operation("delete", "Patient.(")),                                                 // not FHIRPath
    };

    [Theory]
    [MemberData(nameof(MalformedPatches))]
    public void Malformed_patches_are_bad_requests(Parameters patch)
    {
        Fails(HttpStatusCode.BadRequest, TwoIdentifiers(), patch);
    }
}
