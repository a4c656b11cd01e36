using System.Text.RegularExpressions;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Tests.Harness;

namespace RouteGuide.Core.Tests.Readme;

public partial class ReadmeSnippetTests
{
    [Test]
    public async Task The_client_fast_path_and_harness_snippets_get_the_exact_summary()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        Point[] route = [new Point { Latitude = 488583701, Longitude = 22944813 }, new Point { Latitude = 515007292, Longitude = -1246254 }];
        var expected = new RouteSummary { PointCount = 2, FeatureCount = 2, Distance = 340_544 };

        var summary = await ReadmeSnippets.CallWithTheClientAdapter(host.Address.ToString(), route);
        var (fast, own) = await ReadmeSnippets.UseTheFastPath(host.Address.ToString(), route);
        var harnessed = await ReadmeSnippets.TestWithTheHarness(route);

        summary.Should().Be(expected);
        fast.Should().Be(expected);
        own.Should().Be(expected);
        harnessed.Should().Be(expected);
    }

    [Test]
    public void The_unit_test_snippet_passes() => ReadmeSnippets.UnitTestAgainstTheRecorder();

    [Test]
    public void Every_snippet_appears_in_its_document_word_for_word()
    {
        var snippets = SnippetsIn("ReadmeSnippets.cs").Concat(SnippetsIn("ReadmeProgram.cs")).ToDictionary(s => s.Name, s => s.Code);
        snippets.Keys.Should().BeEquivalentTo("usings", "client", "fast-path", "unit-test", "harness", "program-usings", "program");
        var readme = Document("README.md");
        var program = snippets["program-usings"] + "\n\n" + snippets["program"];

        readme.Should().Contain(program, "README.md shows the hosting Program.cs whole");
        foreach (var name in new[] { "usings", "client", "unit-test", "harness" })
        {
            readme.Should().Contain(snippets[name], $"README.md shows snippet '{name}'");
        }

        Document("docs", "fast-path.md").Should().Contain(snippets["fast-path"], "docs/fast-path.md shows snippet 'fast-path'");
    }

    private static IEnumerable<(string Name, string Code)> SnippetsIn(string file) =>
        SnippetPattern().Matches(File.ReadAllText(RepositoryLayout.PathOf("RouteGuide.Core.Tests", "Readme", file)).ReplaceLineEndings("\n"))
            .Select(m => (m.Groups["name"].Value, Dedent(m.Groups["code"].Value)));

    private static string Document(params string[] path) => File.ReadAllText(RepositoryLayout.PathOf(path)).ReplaceLineEndings("\n");

    private static string Dedent(string code)
    {
        var lines = code.TrimEnd('\n').Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"// snippet: (?<name>[\w-]+)\n(?<code>.*?)\n[ ]*// end snippet", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
