using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.Migrations
{
    /// <inheritdoc />
    public partial class PublishedMtaStsPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MtaStsMaxAgeSeconds",
                table: "Domains",
                type: "INTEGER",
                nullable: false,
                defaultValue: 604800);

            migrationBuilder.AddColumn<int>(
                name: "MtaStsMode",
                table: "Domains",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "MtaStsMx",
                table: "Domains",
                type: "TEXT",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MtaStsMaxAgeSeconds",
                table: "Domains");

            migrationBuilder.DropColumn(
                name: "MtaStsMode",
                table: "Domains");

            migrationBuilder.DropColumn(
                name: "MtaStsMx",
                table: "Domains");
        }
    }
}
