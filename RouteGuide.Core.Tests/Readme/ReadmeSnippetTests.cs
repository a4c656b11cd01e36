using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Tests.Harness;

namespace RouteGuide.Core.Tests.Readme;

public partial class ReadmeSnippetTests
{
    [Test]
    public async Task The_hosting_and_client_snippets_work_together()
    {
        var builder = WebApplication.CreateSlimBuilder();
        ReadmeSnippets.UseKestrelOnLoopback(builder);
        await using var app = ReadmeSnippets.HostInAspNetCore(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Point[] route = [new Point { Latitude = 488583701, Longitude = 22944813 }, new Point { Latitude = 515007292, Longitude = -1246254 }];
        var expected = new RouteSummary { PointCount = 2, FeatureCount = 2, Distance = 340_544 };

        var summary = await ReadmeSnippets.CallWithTheClientAdapter(address, route);
        var (fast, own) = await ReadmeSnippets.UseTheFastPath(address, route);

        summary.Should().Be(expected);
        fast.Should().Be(expected);
        own.Should().Be(expected);
        await app.StopAsync();
    }

    [Test]
    public void The_unit_test_snippet_passes() => ReadmeSnippets.UnitTestAgainstTheRecorder();

    [Test]
    public void Every_snippet_appears_in_the_README_word_for_word()
    {
        var source = File.ReadAllText(SourcePath());
        var readme = File.ReadAllText(ReadmePath()).ReplaceLineEndings("\n");
        var snippets = SnippetPattern().Matches(source.ReplaceLineEndings("\n"));

        snippets.Should().HaveCount(5);
        foreach (Match snippet in snippets)
        {
            readme.Should().Contain(Dedent(snippet.Groups["code"].Value), $"README.md shows snippet '{snippet.Groups["name"].Value}'");
        }
    }

    private static string Dedent(string code)
    {
        var lines = code.TrimEnd('\n').Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    private static string SourcePath() => RepositoryLayout.PathOf("RouteGuide.Core.Tests", "Readme", "ReadmeSnippets.cs");

    private static string ReadmePath() => RepositoryLayout.PathOf("README.md");

    [GeneratedRegex(@"// snippet: (?<name>[\w-]+)\n(?<code>.*?)\n[ ]*// end snippet", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
