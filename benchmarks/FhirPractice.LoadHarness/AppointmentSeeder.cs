using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirPractice.LoadHarness;

/// <summary>
/// Synthea has no Appointments: this books <c>--count</c> of them (in transactions of 200) for the stored
/// Patients with the stored Practitioners, weekdays 08:00–17:00 UTC across 2026, and writes one
/// <c>Appointment?practitioner=…&amp;date=…</c> query per booked appointment to <c>--queries-out</c>
/// (a practitioner and a day that has something on it).
/// </summary>
public static class AppointmentSeeder
{
    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var count = options.Number("count", 20_000);
        using var client = LoopbackFhirClient.Create(options.Required("base"), 4, TimeSpan.FromMinutes(5));
        var basePath = client.BaseAddress!.AbsolutePath.TrimEnd('/');
        var practitioners = await SearchData.IdsAsync(client, "Practitioner", 200);
        var patients = await SearchData.IdsAsync(client, "Patient", 2000);
        if (practitioners.Count == 0 || patients.Count == 0)
        {
            Console.Error.WriteLine("appointments: no Practitioners or Patients stored; ingest first");
            return 1;
        }

        var random = new Random(2026);
        var queries = new List<string>();
        var taken = new HashSet<(string, DateTimeOffset)>();
        var failures = 0;
        for (var done = 0; done < count; done += 200)
        {
            var entries = new JsonArray();
            for (var i = done; i < Math.Min(count, done + 200); i++)
            {
                DateTime day;
                DateTimeOffset start;
                string practitioner, patient;
                // The server refuses a second booking of a practitioner or patient at one time: draw again on a collision.
                do
                {
                    day = new DateTime(2026, 1, 5).AddDays(random.Next(360));
                    if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(2);
                    start = new DateTimeOffset(day.AddMinutes(8 * 60 + 30 * random.Next(18)), TimeSpan.Zero);
                    practitioner = practitioners[random.Next(practitioners.Count)];
                    patient = patients[random.Next(patients.Count)];
                }
                while (!taken.Add(("Practitioner/" + practitioner, start)) | !taken.Add(("Patient/" + patient, start)));
                entries.Add(new JsonObject
                {
                    ["resource"] = new JsonObject
                    {
                        ["resourceType"] = "Appointment",
                        ["status"] = "booked",
                        ["start"] = start.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
                        ["end"] = start.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
                        ["participant"] = new JsonArray(
                            new JsonObject { ["actor"] = new JsonObject { ["reference"] = "Patient/" + patient }, ["status"] = "accepted" },
                            new JsonObject { ["actor"] = new JsonObject { ["reference"] = "Practitioner/" + practitioner }, ["status"] = "accepted" }),
                    },
                    ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Appointment" },
                });
                queries.Add($"{basePath}/Appointment?practitioner=Practitioner/{practitioner}&date={day:yyyy-MM-dd}");
            }
            var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
            using var response = await client.PostAsync("", LoopbackFhirClient.Json(Encoding.UTF8.GetBytes(bundle.ToJsonString())));
            if (!response.IsSuccessStatusCode && failures++ == 0)
                Console.Error.WriteLine($"appointments: answered {(int)response.StatusCode}: {await PatientSeeder.Snippet(response)}");
        }
        await File.WriteAllLinesAsync(options.Required("queries-out"), queries);
        Console.WriteLine($"booked {count} Appointments with {practitioners.Count} Practitioners for {patients.Count} Patients");
        return failures == 0 ? 0 : 1;
    }
}
